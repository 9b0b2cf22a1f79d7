from ownup.ui.forms import select_options


def test_options_are_escaped_and_the_selected_one_marked():
    html = select_options([("1", 'Tom & "Jerry" <b>'), ("2", "Plain")], "2")
    assert html == ('<option value="1">Tom &amp; &quot;Jerry&quot; &lt;b&gt;</option>'
                    '<option value="2" selected>Plain</option>')


def test_kept_options_are_the_same_html_and_follow_their_rows():
    from uuid import UUID

    from ownup.ui.forms import select_options_kept

    a, b = UUID(int=1), UUID(int=2)
    rows = ((a, "Acme & Co"), (b, "Beta"))
    scope = ("test-kept", a)
    html = select_options_kept(scope, rows, str(b))
    assert html == select_options([(str(a), "Acme & Co"), (str(b), "Beta")], str(b))
    assert select_options_kept(scope, rows, str(b)) is html  # kept, not built again
    assert select_options_kept(scope, rows, "") == select_options(
        [(str(a), "Acme & Co"), (str(b), "Beta")], "")
    renamed = select_options_kept(scope, ((a, "Acme Ltd"), (b, "Beta")), str(b))
    assert "Acme Ltd" in renamed and "Acme &amp; Co" not in renamed
    assert select_options_kept(scope, ((b, "Beta"),), "") == f'<option value="{b}">Beta</option>'
