"""People in tests are named as the product names them outside the server: by public id."""


def pid(user) -> str:
    """The public id (``Person.uid``) of ``user``, as text."""
    from ownup.accounts.people import person_uid

    return str(person_uid(user))
