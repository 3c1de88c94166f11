package dev.fuseflow.streams.rocksdb;

import dev.fuseflow.streams.config.StreamProcessorSettings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Caps the off-heap memory of every RocksDB store of the process at
 * {@link StreamProcessorSettings#ROCKSDB_MEMORY_MIB}. Without it each store (one per task and per
 * standby) takes its own block cache and memtables, so the total grows with the partitions a pod
 * happens to own and a container is OOM-killed after a rebalance. Here all stores share one LRU
 * cache that also holds the memtables (charged through a {@link WriteBufferManager}) and the index
 * and filter blocks, so the bound holds however many stores there are. Kafka Streams creates one
 * setter per store, hence the shared state is static, one per configured size.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Memtables may take at most this share of the bound; reads get the rest. */
    static final double WRITE_BUFFER_SHARE = 0.5;
    /** Index and filter blocks are pinned in the high-priority pool, this share of the cache. */
    static final double HIGH_PRIORITY_SHARE = 0.1;
    /** Memtables per store before a flush stalls writes: two lets one flush while the other fills. */
    static final int MEMTABLES_PER_STORE = 2;
    /** Each memtable's size: small, since the prompt state is many small records. */
    static final long MEMTABLE_BYTES = 16L << 20;

    private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

    /** The cache and write-buffer manager all stores of one bound share; never closed (they live as long as the JVM). */
    record Shared(Cache cache, WriteBufferManager writeBuffers) {

        static Shared of(long bytes) {
            // strictCapacityLimit false: an insert over the bound evicts instead of failing the read or write.
            Cache cache = new LRUCache(bytes, -1, false, HIGH_PRIORITY_SHARE);
            return new Shared(cache, new WriteBufferManager((long) (bytes * WRITE_BUFFER_SHARE), cache));
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared shared = shared(configs);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(shared.writeBuffers());
        options.setMaxWriteBufferNumber(MEMTABLES_PER_STORE);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store: closing them here would break the others.
    }

    /** The bound in bytes that {@code configs} (Kafka Streams' configuration) asks for. */
    static long boundBytes(Map<String, ?> configs) {
        Object value = configs.get(StreamProcessorSettings.ROCKSDB_MEMORY_MIB.key());
        if (value == null) {
            throw new IllegalStateException(StreamProcessorSettings.ROCKSDB_MEMORY_MIB.key()
                    + " is missing from the Kafka Streams configuration; StreamsProperties sets it with "
                    + RocksDBConfigSetter.class.getSimpleName());
        }
        return (long) StreamProcessorSettings.ROCKSDB_MEMORY_MIB.parse(value.toString()) << 20;
    }

    static Shared shared(Map<String, ?> configs) {
        return SHARED.computeIfAbsent(boundBytes(configs), Shared::of);
    }
}
