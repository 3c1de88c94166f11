package dev.fuseflow.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's autograd switch is per thread, and a new thread starts with it on. DJL turns it off
 * only on the thread that loads the engine (and after a GradientCollector closes), so model code on
 * any other thread records graphs it never frees and, worse, in-place optimizer updates of
 * parameters fail ("a leaf Variable that requires grad is being used in an in-place operation").
 * Every entry point that may run on a thread of its own calls {@link #offForThisThread}.
 */
public final class GradMode {

    private GradMode() {}

    public static void offForThisThread() {
        Engine.getEngine("PyTorch"); // loads the native library first
        JniUtils.setGradMode(false);
    }
}
