"""Imported once by the workers' forkserver (:mod:`extract.pool`), never elsewhere.

The forkserver is the process every worker forks from: importing this module there
loads the pipeline's modules and rule files and runs two sentences through them
(:func:`extract.pool.warm_up`), so each worker starts warm instead of loading them
again, and a one-document ``extract run`` loads them once while its driver is busy.

What is loaded then is frozen out of the cycle collector's reach (``gc.freeze``): a
worker's collections walk its document's objects, not the modules, rule files and
compiled patterns every worker holds, and leave those pages shared with the forkserver.
"""

import gc

from .pool import warm_up

warm_up(())
gc.freeze()
