"""The codes of the web application's roles, plain strings the command line can offer without
loading Django (store/roles.py gives them their labels and checks it holds the same codes)."""
ROLE_CODES = ("admin", "kpu", "dpml", "panitia", "disdukcapil", "pemantau")
