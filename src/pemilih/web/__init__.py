"""The web application: every step of the cycle in the browser, for the agencies and the public.

Thin, like the command line: views parse the request, check the access rule (access.py), call
the same library functions as the commands (pemilih.store / pemilih.engine) and render the
result. Long work goes to the database-backed job queue (jobs.py), run by `pemilih serve`'s
worker process.
"""
