"""Building blocks that every app's pages share: the panel registry, form helpers, plain PDF
documents and the tone-check field. Below the apps (they import it); it imports only Django
and ``ownup.core``, so the ``web`` shell stays on top and no domain module imports ``web``."""
