"""The inbox's writes, one module per seam: ``messages`` (recording mail and calls' messages,
threading, triage), ``clocks`` (the promise clocks a message or an action moves), ``status``
(answered / waiting / resolved / open, and the class), ``assignment`` (owner and client),
``replies`` (what the agency sends or logs). Import each service from its module."""
