"""Imported once by the workers' forkserver (:mod:`extract.pool`), never elsewhere.

The forkserver is the process every worker forks from: importing this module there
loads the pipeline's modules, the PDF libraries and the rule files and runs two
sentences through them (:func:`extract.pool.warm_up`), so each worker starts warm
instead of loading them again, and a one-document ``extract run`` loads them once
while its driver is busy.

Loading allocates objects that live as long as the process and form no garbage, so
the cycle collector is kept out of it; afterwards what was loaded is frozen out of its
reach (``gc.freeze``): a worker's collections walk its document's objects, not the
modules, rule files and compiled patterns every worker holds, and leave those pages
shared with the forkserver.
"""

import gc

gc.disable()
try:
    from .pool import warm_up

    warm_up(())
    try:  # what reading a PDF imports on its first page, once here instead of per worker
        import pdfplumber  # noqa: F401
        import pypdfium2  # noqa: F401
    except ImportError:  # a missing library fails the documents that need it, where it is reported
        pass
finally:
    gc.enable()
gc.freeze()
