package dev.fuseflow.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The production trainer image ({@code deploy/images/trainer/Dockerfile}) against what the DJL jars on the trainer's
 * class path really carry: DJL loads its bridge from {@code jnilib/linux-x86_64/$PYTORCH_FLAVOR/libdjl_torch.so}, built
 * for one libtorch version, and fails at start when the flavor has none (it did with {@code cu126}).
 */
class TrainerImageTest {

    private static final Path DOCKERFILE = repositoryRoot().resolve("deploy/images/trainer/Dockerfile");

    @Test
    void theFlavorHasABridgeInThePytorchJniJar() throws IOException {
        String flavor = env("PYTORCH_FLAVOR");

        assertThat(flavor).startsWith("cu");
        assertThat(TrainerImageTest.class.getResource("/jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so"))
                .as("DJL's bridge for flavor %s in pytorch-jni", flavor)
                .isNotNull();
    }

    @Test
    void theBaseImagesLibtorchIsTheVersionAndCudaTheBridgeIsBuiltFor() throws IOException {
        Properties jni = new Properties();
        try (InputStream in = TrainerImageTest.class.getResourceAsStream("/jnilib/pytorch.properties")) {
            assertThat(in).as("pytorch-jni's jnilib/pytorch.properties").isNotNull();
            jni.load(in);
        }
        String bridgeTorch = jni.getProperty("jni_version").replaceAll("-.*", "");
        Matcher base = Pattern.compile("(?m)^FROM pytorch/pytorch:(\\S+)-cuda(\\d+)\\.(\\d+)-\\S+$")
                .matcher(Files.readString(DOCKERFILE));

        assertThat(base.find())
                .as("a pytorch/pytorch base image in %s", DOCKERFILE)
                .isTrue();
        assertThat(base.group(1)).isEqualTo(bridgeTorch);
        assertThat(env("PYTORCH_VERSION")).isEqualTo(bridgeTorch);
        assertThat("cu" + base.group(2) + base.group(3)).isEqualTo(env("PYTORCH_FLAVOR"));
    }

    /**
     * The native kernels are built in a stage of their own from the repository's sources, by the
     * documented script, against the devel image of the same PyTorch release (the library must match
     * the libtorch DJL loads), and the trainer is pointed at the copy in the final image.
     */
    @Test
    void theImageBuildsTheNativeKernelsAgainstItsOwnLibtorchAndLoadsThem() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        Matcher devel = Pattern.compile("(?m)^FROM pytorch/pytorch:(\\S+)-cudnn\\d+-devel AS kernels$")
                .matcher(dockerfile);
        Matcher runtime = Pattern.compile("(?m)^FROM pytorch/pytorch:(\\S+)-cudnn\\d+-runtime$")
                .matcher(dockerfile);

        assertThat(devel.find())
                .as("a pytorch/pytorch devel stage named kernels")
                .isTrue();
        assertThat(runtime.find()).isTrue();
        assertThat(devel.group(1)).as("torch and CUDA of the kernels' build").isEqualTo(runtime.group(1));
        assertThat(dockerfile)
                .contains("COPY trainer/src/main/native ")
                .containsPattern("RUN \\S*bin/fuseflow-native-build ")
                .contains("COPY --from=kernels /opt/fuseflow/native/libfuseflow_kernels.so /opt/fuseflow/native/");
        assertThat(env("FUSEFLOW_NATIVE_LIBRARY")).isEqualTo("/opt/fuseflow/native/libfuseflow_kernels.so");
        assertThat(repositoryRoot().resolve("trainer/src/main/native/CMakeLists.txt"))
                .exists();
    }

    @Test
    void theJlinkHasTheRuntimeImagesModulesJavaDesktopForThePlotsAmongThem() throws IOException {
        Set<String> image = modules(Files.readString(DOCKERFILE));
        Set<String> runtimeImage = modules(Files.readString(repositoryRoot().resolve("bin/fuseflow-runtime-image")));

        assertThat(image).contains("java.desktop").isEqualTo(runtimeImage);
    }

    private static String env(String name) throws IOException {
        Matcher value = Pattern.compile("\\b" + name + "=(\\S+)").matcher(Files.readString(DOCKERFILE));
        assertThat(value.find()).as("%s set in %s", name, DOCKERFILE).isTrue();
        return value.group(1);
    }

    private static Set<String> modules(String script) {
        Matcher jlink = Pattern.compile("jlink --add-modules (\\S+)").matcher(script);
        assertThat(jlink.find()).as("a jlink --add-modules line").isTrue();
        return new TreeSet<>(Arrays.asList(jlink.group(1).split(",")));
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy/images"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No deploy/images above " + Path.of("").toAbsolutePath());
    }
}
