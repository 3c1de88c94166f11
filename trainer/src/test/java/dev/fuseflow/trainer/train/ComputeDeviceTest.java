package dev.fuseflow.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComputeDeviceTest {

    @Test
    void namesParseAndAMissingGpuIsAClearError() {
        assertThat(new ComputeDevice("CPU").device()).isEqualTo(Device.cpu());
        assertThat(new ComputeDevice("gpu(1)").name()).isEqualTo("gpu(1)");
        assertThat(new ComputeDevice("cuda:0").name()).isEqualTo("cuda:0");
        assertThatThrownBy(() -> new ComputeDevice("tpu"))
                .hasMessageContaining("--device")
                .hasMessageContaining("tpu");
        ComputeDevice pair = new ComputeDevice("cpu, cpu");
        assertThat(pair.isDataParallel()).isTrue();
        assertThat(pair.devices()).containsExactly(Device.cpu(), Device.cpu());
        assertThat(pair.device()).isEqualTo(Device.cpu());
        assertThat(new ComputeDevice("gpu0").isDataParallel()).isFalse();
        assertThatThrownBy(() -> new ComputeDevice("gpu0,tpu1")).hasMessageContaining("comma-separated");
        // This machine's libtorch is the CPU build: no GPU 3 (nor any).
        assertThatThrownBy(() -> new ComputeDevice("gpu3").device())
                .hasMessageContaining("libtorch sees")
                .hasMessageContaining("PYTORCH_LIBRARY_PATH");
    }

    @Test
    void tf32NeedsItsSwitchBeforeTheJvmStarts() {
        assertThatThrownBy(() -> Precision.TF32.requireAvailable(Map.of())).hasMessageContaining(Precision.TF32_SWITCH);
        Precision.TF32.requireAvailable(Map.of(Precision.TF32_SWITCH, "1"));
        Precision.FP16_MIXED.requireAvailable(Map.of());
    }
}
