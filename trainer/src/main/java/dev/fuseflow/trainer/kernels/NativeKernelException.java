package dev.fuseflow.trainer.kernels;

/** FuseFlow's native kernels were asked for but cannot run: the message names the library and what to fix. */
public final class NativeKernelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NativeKernelException(String message) {
        super(message);
    }

    public NativeKernelException(String message, Throwable cause) {
        super(message, cause);
    }
}
