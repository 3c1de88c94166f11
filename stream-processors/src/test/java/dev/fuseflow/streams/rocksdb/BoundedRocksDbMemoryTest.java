package dev.fuseflow.streams.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.streams.app.StreamProcessorConfig;
import dev.fuseflow.streams.app.StreamsProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbMemoryTest {

    private static final String KEY = "fuseflow.rocksdb.memory-mib";

    @TempDir
    Path dir;

    @Test
    void theStreamsPropertiesInstallTheSetterWithTheConfiguredBound() {
        Map<String, String> values = new HashMap<>(StreamProcessorConfig.DEFAULTS);
        values.put(KEY, "384");
        Properties properties =
                StreamsProperties.of(StreamProcessorConfig.from(Settings.of(values)), new SimpleMeterRegistry());
        assertThat(properties.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
                .isEqualTo(BoundedRocksDbMemory.class);
        assertThat(BoundedRocksDbMemory.boundBytes(toMap(properties))).isEqualTo(384L << 20);
    }

    @Test
    void everyStoreSharesOneCacheAndWriteBufferManager() {
        Map<String, Object> configs = Map.of(KEY, 64);
        try (Options first = new Options();
                Options second = new Options()) {
            first.setTableFormatConfig(new BlockBasedTableConfig());
            second.setTableFormatConfig(new BlockBasedTableConfig());
            BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
            setter.setConfig("prompts-0_0", first, configs);
            setter.setConfig("prompts-0_1", second, configs);
            BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(configs);
            assertThat(BoundedRocksDbMemory.shared(Map.of(KEY, "64"))).isSameAs(shared);
            assertThat(BoundedRocksDbMemory.shared(Map.of(KEY, 32))).isNotSameAs(shared);
            for (Options options : new Options[] {first, second}) {
                assertThat(options.writeBufferManager()).isSameAs(shared.writeBuffers());
                assertThat(options.maxWriteBufferNumber()).isEqualTo(BoundedRocksDbMemory.MEMTABLES_PER_STORE);
                assertThat(options.writeBufferSize()).isEqualTo(BoundedRocksDbMemory.MEMTABLE_BYTES);
                BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
                assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
                assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
            }
        }
    }

    @Test
    void realStoresWritingFarMoreThanTheBoundStayWithinIt() throws Exception {
        Map<String, Object> configs = Map.of(KEY, 16);
        long bound = 16L << 20;
        Random random = new Random(7);
        byte[] value = new byte[4096];
        BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        RocksDB.loadLibrary();
        try (Options a = options(setter, "a", configs);
                Options b = options(setter, "b", configs);
                RocksDB first = RocksDB.open(a, dir.resolve("a").toString());
                RocksDB second = RocksDB.open(b, dir.resolve("b").toString())) {
            for (int i = 0; i < 20_000; i++) { // 80 MB per store, 10 times the bound in all
                random.nextBytes(value);
                byte[] key = ("prompt-" + i).getBytes(StandardCharsets.UTF_8);
                first.put(key, value);
                second.put(key, value);
            }
            for (int i = 0; i < 20_000; i += 7) {
                assertThat(first.get(("prompt-" + i).getBytes(StandardCharsets.UTF_8)))
                        .hasSize(value.length);
            }
            // The cache is not strict (an insert over the bound evicts rather than fails), so while a
            // background flush still pins a memtable's charge the usage can stand above the bound for a
            // moment: measure once both stores have flushed, when every pin is released.
            try (FlushOptions waiting = new FlushOptions().setWaitForFlush(true)) {
                first.flush(waiting);
                second.flush(waiting);
            }
            long usage = BoundedRocksDbMemory.shared(configs).cache().getUsage();
            assertThat(usage).as("bytes the shared cache holds").isPositive().isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void aMissingOrTooSmallBoundIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> BoundedRocksDbMemory.boundBytes(Map.of()))
                .hasMessageContaining(KEY)
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> BoundedRocksDbMemory.boundBytes(Map.of(KEY, "8")))
                .hasMessageContaining(KEY)
                .hasMessageContaining("16");
    }

    private static Options options(BoundedRocksDbMemory setter, String store, Map<String, Object> configs) {
        Options options = new Options().setCreateIfMissing(true);
        options.setTableFormatConfig(new BlockBasedTableConfig());
        setter.setConfig(store, options, configs);
        return options;
    }

    private static Map<String, Object> toMap(Properties properties) {
        Map<String, Object> map = new HashMap<>();
        properties.forEach((k, v) -> map.put(k.toString(), v));
        return map;
    }
}
