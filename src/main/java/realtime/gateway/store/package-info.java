/**
 * Persistence: sessions, transcripts, usage and audit lines in a database (an embedded H2 file by default,
 * PostgreSQL in production; Flyway migrates whichever is used). Sessions hand their records to a single
 * writer thread, so nothing here runs on an event loop or a session's context; reads run on worker threads.
 */
package realtime.gateway.store;
