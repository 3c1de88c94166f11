package dev.fuseflow.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the native library is found: unset means the DJL fallback; set but unusable is an error naming path and cause. */
class NativeKernelsTest {

    @Test
    void unsetMeansTheDjlFallback() {
        assertThat(NativeKernels.loadFrom(Map.of())).isEmpty();
        assertThat(NativeKernels.loadFrom(Map.of(NativeKernels.LIBRARY_VARIABLE, " ")))
                .isEmpty();
    }

    @Test
    void aMissingLibraryIsNamedWithWhatToDo(@TempDir Path dir) {
        Path missing = dir.resolve("libfuseflow_kernels.so");
        assertThatThrownBy(() -> NativeKernels.loadFrom(Map.of(NativeKernels.LIBRARY_VARIABLE, missing.toString())))
                .isInstanceOf(NativeKernelException.class)
                .hasMessageContaining("FUSEFLOW_NATIVE_LIBRARY=" + missing)
                .hasMessageContaining("no such file")
                .hasMessageContaining("bin/fuseflow-native-build");
    }

    @Test
    void aFileThatIsNoLibraryIsNamedWithTheLoadersCause(@TempDir Path dir) throws IOException {
        Path notALibrary = Files.writeString(dir.resolve("libfuseflow_kernels.so"), "not an ELF file");
        assertThatThrownBy(() -> NativeKernels.loadFrom(Map.of(NativeKernels.LIBRARY_VARIABLE, notALibrary.toString())))
                .isInstanceOf(NativeKernelException.class)
                .hasMessageContaining("FUSEFLOW_NATIVE_LIBRARY=" + notALibrary + " could not be loaded")
                .hasMessageContaining("libtorch DJL loaded")
                .hasCauseInstanceOf(UnsatisfiedLinkError.class);
    }

    @Test
    void versionsCompareByMajorAndMinor() {
        assertThat(NativeKernels.majorMinor("2.11.0+cu130")).isEqualTo("2.11");
        assertThat(NativeKernels.majorMinor("2.7.1")).isEqualTo("2.7");
    }

    @Test
    void withoutTheLibraryTheBestAttentionIsDjls() {
        // The build runs without FUSEFLOW_NATIVE_LIBRARY; a developer's shell that sets it skips nothing else.
        if (System.getenv(NativeKernels.LIBRARY_VARIABLE) == null) {
            assertThat(AttentionKernel.best().isNative()).isFalse();
            assertThatThrownBy(AttentionKernel::nativeKernel)
                    .isInstanceOf(NativeKernelException.class)
                    .hasMessageContaining("FUSEFLOW_NATIVE_LIBRARY is not set");
        }
    }
}
