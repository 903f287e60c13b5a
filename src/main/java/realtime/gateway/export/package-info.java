/**
 * A transcript in the shapes people take away: plain text, SubRip (SRT), WebVTT and OpenAI's
 * {@code verbose_json}. Pure functions over {@link realtime.gateway.session.Transcript.Entry} lists.
 */
package realtime.gateway.export;
