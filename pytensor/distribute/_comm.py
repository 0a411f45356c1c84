"""The communicator under a strategy: one process (nothing to exchange) or MPI through mpi4py.

Buffers go to MPI as numpy arrays that view the tensors' memory (``Tensor.numpy()`` is a zero-copy read-only
view; results come back through DLPack, also without a copy)."""
import os
import sys
import traceback

import numpy as np

MPI_HINT = ("install the MPI extra (pip install 'pytensor-tf[mpi]', which brings mpi4py and Open MPI) and "
            "launch one process per worker with `mpirun -n N python train.py`")


def _import_mpi(what):
    try:
        from mpi4py import MPI
    except ImportError as exc:
        raise ImportError(f"{what} needs mpi4py and an MPI library, which are not installed ({exc}): "
                          f"{MPI_HINT}.") from None
    return MPI


class LocalComm:
    """One process: every collective is the identity."""

    rank, size, local_size = 0, 1, 1

    def allreduce_sum(self, array):
        return array

    def iallreduce_sum(self, send, recv):
        if send is not None:
            np.copyto(recv, send.reshape(recv.shape))
        return None

    allreduce_sum_into = iallreduce_sum

    def allreduce_max(self, array):
        return array

    def bcast(self, array):
        return array

    def allgather(self, obj):
        return [obj]

    def wait(self, requests):
        pass

    progress = wait


class MPIComm:
    """``MPI.COMM_WORLD`` (a duplicate, so user MPI traffic never mixes with ours)."""

    def __init__(self, what):
        self.MPI = _import_mpi(what)
        self.comm = self.MPI.COMM_WORLD.Dup()
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self.host = self.MPI.Get_processor_name()
        node = self.comm.Split_type(self.MPI.COMM_TYPE_SHARED)
        self.local_size = node.Get_size()  # the workers on this machine
        node.Free()
        # Bound once: the gradient all-reduce calls these every step, and a small all-reduce's time is partly
        # per-call Python.
        self._allreduce, self._iallreduce = self.comm.Allreduce, self.comm.Iallreduce
        self._sum, self._in_place = self.MPI.SUM, self.MPI.IN_PLACE
        _install_abort_on_error(self)

    def allreduce_sum(self, array):
        out = np.empty_like(array)
        self.comm.Allreduce(array, out, op=self.MPI.SUM)
        return out

    def iallreduce_sum(self, send, recv):
        """Starts summing ``send`` (any C-contiguous buffer of ``recv.size`` elements; None: ``recv`` itself,
        reduced in place) into ``recv``; returns the request."""
        return self._iallreduce(self._in_place if send is None else send, recv, self._sum)

    def allreduce_sum_into(self, send, recv):
        """``iallreduce_sum``, blocking."""
        self._allreduce(self._in_place if send is None else send, recv, self._sum)

    def allreduce_max(self, array):
        out = np.empty_like(array)
        self.comm.Allreduce(array, out, op=self.MPI.MAX)
        return out

    def bcast(self, array):
        self.comm.Bcast(array, root=0)
        return array

    def allgather(self, obj):
        return self.comm.allgather(obj)

    def wait(self, requests):
        self.MPI.Request.Waitall([r for r in requests if r is not None])

    def progress(self, requests):
        """Lets MPI move the given nonblocking operations on (its shared-memory transport has no thread of its
        own: a request advances only inside MPI calls)."""
        self.MPI.Request.Testall([r for r in requests if r is not None])

    def abort(self, code=1):
        self.comm.Abort(code)


def _install_abort_on_error(comm):
    """An uncaught exception on one worker aborts the whole job (MPI_Abort), naming the rank: the other workers
    would otherwise wait forever in their next collective."""
    previous = sys.excepthook

    def excepthook(exc_type, exc, tb):
        if exc_type is KeyboardInterrupt:
            return previous(exc_type, exc, tb)
        traceback.print_exception(exc_type, exc, tb)
        sys.stderr.write(f"pytensor.distribute: worker rank {comm.rank} of {comm.size} (host {comm.host}, pid "
                         f"{os.getpid()}) failed with {exc_type.__name__}: {exc}; aborting all workers "
                         f"(MPI_Abort).\n")
        sys.stderr.flush()
        comm.abort(1)

    sys.excepthook = excepthook
