package dev.fuseflow.schemas.registry;

/**
 * A Schema Registry request failed. {@link #status()} is the HTTP status (0 when no answer came),
 * {@link #errorCode()} the registry's own code (e.g. 40401 subject not found, 40403 schema not
 * found, 409 incompatible schema, 42201 invalid schema; 0 when none).
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Confluent's code for an unknown subject. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent's code for an unknown version. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent's code for an unknown schema (id, or schema under a subject). */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent's code for a subject without its own compatibility level. */
    public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
    /** Confluent's code for a schema the compatibility rules refuse. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Confluent's code for a schema that does not parse. */
    public static final int INVALID_SCHEMA = 42201;

    private final String subject;
    private final int status;
    private final int errorCode;

    public SchemaRegistryException(String message, String subject, int status, int errorCode, Throwable cause) {
        super(message, cause);
        this.subject = subject;
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The subject the request was about, or null (e.g. fetching a schema by id). */
    public String subject() {
        return subject;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** True for a schema the registry's compatibility rules refused. */
    public boolean isIncompatibleSchema() {
        return status == 409;
    }

    /** True when the subject, version or schema asked for does not exist. */
    public boolean isNotFound() {
        return status == 404;
    }
}
