package dev.fuseflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * The local stack's logback.xml shadows the trainer's (the stack runs the trainer in its JVM), so it must quiet what
 * DJL logs on a CPU machine at every start (no CUDA driver) and at every model reload (the tokenizer's maxLength), as
 * the trainer's file does.
 */
class LocalLoggingTest {

    @Test
    void theCpuDriverAndTokenizerWarningsStayQuietInTheLocalStack() throws Exception {
        URL file = LocalStackCommand.class.getResource("/logback.xml");
        assertThat(file.toString()).contains("deploy/local");
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(file);

        assertThat(context.getLogger("ai.djl.util.cuda.CudaUtils").getEffectiveLevel())
                .isEqualTo(Level.ERROR);
        assertThat(context.getLogger("ai.djl.huggingface.tokenizers.HuggingFaceTokenizer")
                        .getEffectiveLevel())
                .isEqualTo(Level.ERROR);
        assertThat(context.getLogger("ai.djl.pytorch.engine.PtEngine").getEffectiveLevel())
                .isEqualTo(Level.WARN);
    }
}
