package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards against DJL 0.36's use-after-free in arithmetic with a Java number (see {@link Scalar}):
 * the code that builds autograd graphs must combine tensors with {@link Scalar#like} instead.
 */
class ScalarArithmeticTest {

    /** mul, div, pow, maximum, minimum save their other operand for backward; add and sub do not. */
    private static final Pattern NUMBER_OPERAND =
            Pattern.compile("\\.(mul|div|pow|maximum|minimum)\\((-?\\d|Math\\.|-?[A-Z][A-Z_0-9]+\\)|"
                    + "-?(alpha|beta|eps|epsilon|scale|theta|headDim)\\)|1 - )");

    @Test
    void graphCodeNeverMultipliesByAJavaNumber() throws IOException {
        Path sources = Path.of("src/main/java/dev/fuseflow/trainer");
        List<String> offences = new ArrayList<>();
        for (String area : List.of("model", "objective", "train")) {
            try (Stream<Path> files = Files.walk(sources.resolve(area))) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        String line = lines.get(i);
                        if (NUMBER_OPERAND.matcher(line).find()
                                && !line.contains("no-grad")
                                && !line.trim().startsWith("*")) {
                            offences.add(file.getFileName() + ":" + (i + 1) + ": " + line.trim());
                        }
                    }
                }
            }
        }
        assertThat(offences)
                .as("use Scalar.like(x, value), or mark a line without autograd '// no-grad'")
                .isEmpty();
    }

    @Test
    void scalarsLiveUntilTheirManagerClosesAndTakeTheTensorsType() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.create(new float[] {1f, 2f, 3f});
            x.setRequiresGradient(true);
            try (NDManager step = manager.newSubManager()) {
                NDArray input = x.duplicate();
                input.attach(step);
                try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray y = x.mul(Scalar.like(input, 3.0)).sum();
                    // Churn the Java heap and direct buffers between forward and backward, as a training step does.
                    for (int i = 0; i < 200; i++) {
                        step.create(new float[] {Float.NaN, Float.NaN}).close();
                    }
                    System.gc();
                    collector.backward(y);
                }
                assertThat(x.getGradient().toFloatArray()).containsExactly(3f, 3f, 3f);
                assertThat(Scalar.like(x.toType(DataType.FLOAT16, false), 0.5).getDataType())
                        .isEqualTo(DataType.FLOAT16);
                assertThat(Scalar.like(input, 0.5).getManager()).isSameAs(step);
            }
        }
    }

    @Test
    void modelConstantsAreMadeOncePerTypeAndSurviveTheStepsThatUseThem() {
        NDArray sharedScale;
        try (NDManager first = NDManager.newBaseManager("PyTorch")) {
            NDArray x = first.create(new float[] {1f, 2f, 3f});
            x.setRequiresGradient(true);
            sharedScale = Scalar.constant(x, 4.0);
            assertThat(Scalar.constant(x, 4.0)).isSameAs(sharedScale);
            assertThat(Scalar.constant(x, 2.0)).isNotSameAs(sharedScale);
            assertThat(Scalar.constant(x.toType(DataType.FLOAT16, false), 4.0).getDataType())
                    .isEqualTo(DataType.FLOAT16);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                collector.backward(x.div(Scalar.constant(x, 4.0)).sum());
            }
            assertThat(x.getGradient().toFloatArray()).containsExactly(0.25f, 0.25f, 0.25f);
        }
        // The step's manager is closed; the constant is not, and the next step gets it again.
        try (NDManager second = NDManager.newBaseManager("PyTorch")) {
            NDArray y = second.create(new float[] {8f});
            assertThat(Scalar.constant(y, 4.0)).isSameAs(sharedScale);
            assertThat(y.div(Scalar.constant(y, 4.0)).getFloat()).isEqualTo(2f);
        }
    }
}
