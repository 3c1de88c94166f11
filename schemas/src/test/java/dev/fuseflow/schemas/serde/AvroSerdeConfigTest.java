package dev.fuseflow.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.registry.RegistryClientConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

    @Test
    void confluentDefaults() {
        AvroSerdeConfig config = AvroSerdeConfig.from(Map.of(), false);
        assertThat(config.autoRegisterSchemas()).isTrue();
        assertThat(config.useLatestVersion()).isFalse();
        assertThat(config.specificAvroReader()).isFalse();
        assertThat(config.subjectNameStrategy().subjectName("t", false, GenerationEvent.getClassSchema()))
                .isEqualTo("t-value");
        assertThat(config.subjectNameStrategy().subjectName("t", true, GenerationEvent.getClassSchema()))
                .isEqualTo("t-key");
    }

    @Test
    void useLatestVersionNeedsAutoRegisterOff() {
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of("use.latest.version", "true"), false))
                .hasMessage("use.latest.version=true needs auto.register.schemas=false: a serializer either registers"
                        + " the record's schema or writes with the latest one");
    }

    @Test
    void booleansMustBeBooleans() {
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of("specific.avro.reader", "yes"), false))
                .hasMessage("specific.avro.reader must be true or false, got 'yes'");
    }

    @Test
    void subjectStrategiesAcceptConfluentClassNamesAndRejectOthersByName() {
        AvroSerdeConfig config = AvroSerdeConfig.from(
                Map.of("key.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"),
                true);
        assertThat(config.subjectNameStrategy().subjectName("t", true, GenerationEvent.getClassSchema()))
                .isEqualTo("t-dev.fuseflow.schemas.avro.GenerationEvent");
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of("value.subject.name.strategy", "Whatever"), false))
                .hasMessageContaining("subject name strategy must be one of")
                .hasMessageContaining("'Whatever'");
    }

    @Test
    void registryUrlIsRequiredAndChecked() {
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of()))
                .hasMessageContaining("schema.registry.url is not set");
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of("schema.registry.url", "ftp://registry")))
                .hasMessage("schema.registry.url must use http, https or mock, got 'ftp://registry'");
    }

    @Test
    void severalUrlsAreTriedInOrder() {
        RegistryClientConfig config =
                RegistryClientConfig.from(Map.of("schema.registry.url", "http://a:8081, http://b:8081"));
        assertThat(config.urls()).extracting(Object::toString).containsExactly("http://a:8081", "http://b:8081");
    }

    @Test
    void basicAuthComesFromUserInfoOrTheUrl() {
        RegistryClientConfig fromUserInfo = RegistryClientConfig.from(Map.of(
                "schema.registry.url",
                "http://r:8081",
                "basic.auth.credentials.source",
                "USER_INFO",
                "basic.auth.user.info",
                "app:secret"));
        assertThat(fromUserInfo.userInfo()).contains("app:secret");
        RegistryClientConfig fromUrl = RegistryClientConfig.from(Map.of("schema.registry.url", "http://app:pw@r:8081"));
        assertThat(fromUrl.userInfo()).contains("app:pw");
        assertThatThrownBy(() -> RegistryClientConfig.from(
                        Map.of("schema.registry.url", "http://r:8081", "basic.auth.credentials.source", "USER_INFO")))
                .hasMessage("basic.auth.user.info must be set when basic.auth.credentials.source=USER_INFO");
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of(
                        "schema.registry.url", "http://r:8081", "basic.auth.credentials.source", "SASL_INHERIT")))
                .hasMessage("basic.auth.credentials.source must be USER_INFO or URL, got 'SASL_INHERIT'");
    }

    @Test
    void timeoutsAndRetriesAreValidated() {
        RegistryClientConfig config = RegistryClientConfig.from(
                Map.of("schema.registry.url", "http://r:8081", "http.read.timeout.ms", 1500, "max.retries", "5"));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.maxRetries()).isEqualTo(5);
        assertThatThrownBy(() ->
                        RegistryClientConfig.from(Map.of("schema.registry.url", "http://r:8081", "max.retries", "-1")))
                .hasMessage("max.retries must be 0 or more, got -1");
        assertThatThrownBy(() -> RegistryClientConfig.from(
                        Map.of("schema.registry.url", "http://r:8081", "http.connect.timeout.ms", "soon")))
                .hasMessage("http.connect.timeout.ms must be a whole number, got 'soon'");
    }
}
