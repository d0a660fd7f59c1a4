"""`python -m scoring`: the health models without a browser.

``main`` parses the command line and dispatches; ``common`` holds the usage
error and ``--model`` resolution every command shares; ``score`` and
``portfolio`` are the commands.  Modules here import the domain and
``common``, never each other the other way round.
"""
