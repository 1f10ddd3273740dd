"""Imported once by the workers' forkserver (:mod:`extract.pool`), never elsewhere.

The forkserver is the process every worker forks from: importing this module there
loads the pipeline's modules and rule files and runs two sentences through them
(:func:`extract.pool.warm_up`), so each worker starts warm instead of loading them
again, and a one-document ``extract run`` loads them once while its driver is busy.
"""

from .pool import warm_up

warm_up(())
