"""lnslab from Python: LNS formats and their kernels over numpy arrays.

    import lnslab
    f = lnslab.Format("lns8:eta0=0.016")
    print(f.decode(f.encode([0.75, 1.5])))

lnslab.sim runs the accelerator simulator; lnslab.torch (imported on its own, it needs torch)
has the quantizer and the Madam / LNS Madam optimizers.
"""
from ._lnslab import Format, revision
from . import sim

__all__ = ["Format", "revision", "sim"]
