// chatd's logging: one process-wide sink (stderr or syslog) and a level
// threshold. Until LogInit is called, messages at info and above go to stderr.
//
// Called from the event-loop thread only; the sink and level are plain
// process state (the level is atomic so a signal-driven reload is safe).
// Log() keeps errno intact, so callers may log between a failing call and
// their own use of errno; "%m" works (glibc).
#ifndef CHATD_LOG_H_
#define CHATD_LOG_H_

#include <string>
#include <string_view>

namespace chatd {

enum class LogLevel { kDebug, kInfo, kNotice, kWarning, kError };

// "debug", "info", "notice", "warning", "error" (exact, lower case).
// Returns false and leaves *out alone for any other name.
bool ParseLogLevel(std::string_view name, LogLevel* out);

// The name ParseLogLevel accepts for `level`.
const char* LogLevelName(LogLevel level);

// Syslog facility by name: "daemon", "user", "auth", "authpriv", "mail",
// "news", "uucp", "cron", "lpr", "ftp", "syslog", "local0".."local7".
// On success stores the LOG_* facility code (<syslog.h>) in *out.
bool ParseLogFacility(std::string_view name, int* out);

// Selects the sink and threshold. `target` is "stderr", giving lines like
//   2026-11-23T04:45:03Z chatd[1234]: info: message
// (UTC), or "syslog", which calls openlog("chatd", LOG_PID, facility) with
// `facility` named as for ParseLogFacility (ignored for "stderr"). On an
// unknown target or facility returns false with *error set, and leaves the
// current sink unchanged. May be called again (e.g. on reload).
bool LogInit(const std::string& target, const std::string& facility, LogLevel level,
             std::string* error);

void SetLogLevel(LogLevel level);

// Writes one message if `level` is at or above the threshold. Control
// characters in the formatted text (CR, LF, ...) are escaped so that
// client-supplied strings cannot forge log lines; no trailing newline needed.
void Log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace chatd

// These names are also <syslog.h>'s priority macros: a file using them must
// not include <syslog.h> (only log.cc talks to syslog).
#if defined(LOG_DEBUG) || defined(LOG_INFO) || defined(LOG_NOTICE) || defined(LOG_WARNING)
#error "chatd/log.h and <syslog.h> both define LOG_DEBUG etc.; include only one"
#endif
#define LOG_DEBUG(...) ::chatd::Log(::chatd::LogLevel::kDebug, __VA_ARGS__)
#define LOG_INFO(...) ::chatd::Log(::chatd::LogLevel::kInfo, __VA_ARGS__)
#define LOG_NOTICE(...) ::chatd::Log(::chatd::LogLevel::kNotice, __VA_ARGS__)
#define LOG_WARNING(...) ::chatd::Log(::chatd::LogLevel::kWarning, __VA_ARGS__)
#define LOG_ERROR(...) ::chatd::Log(::chatd::LogLevel::kError, __VA_ARGS__)

#endif  // CHATD_LOG_H_
