// Logging sink and threshold (log.h): formats, escapes and writes one line
// per message to stderr or syslog.
#include "chatd/core/log.h"

// log.h's LOG_* macros collide with <syslog.h>'s priorities; this file needs
// the latter and never uses the former.
#undef LOG_DEBUG
#undef LOG_INFO
#undef LOG_NOTICE
#undef LOG_WARNING
#undef LOG_ERROR
#include <syslog.h>

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace chatd {
namespace {

enum class Target { kStderr, kSyslog };

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
Target g_target = Target::kStderr;

struct FacilityName {
  const char* name;
  int code;
};

constexpr FacilityName kFacilities[] = {
    {"daemon", LOG_DAEMON}, {"user", LOG_USER},     {"auth", LOG_AUTH},
    {"authpriv", LOG_AUTHPRIV}, {"mail", LOG_MAIL}, {"news", LOG_NEWS},
    {"uucp", LOG_UUCP},     {"cron", LOG_CRON},     {"lpr", LOG_LPR},
    {"ftp", LOG_FTP},       {"syslog", LOG_SYSLOG}, {"local0", LOG_LOCAL0},
    {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3},
    {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6},
    {"local7", LOG_LOCAL7},
};

int SyslogPriority(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return LOG_DEBUG;
    case LogLevel::kInfo: return LOG_INFO;
    case LogLevel::kNotice: return LOG_NOTICE;
    case LogLevel::kWarning: return LOG_WARNING;
    case LogLevel::kError: return LOG_ERR;
  }
  return LOG_ERR;
}

// Appends `text` to `out`, escaping bytes below 0x20 (except tab) and DEL.
void AppendEscaped(std::string* out, std::string_view text) {
  for (unsigned char c : text) {
    if (c == '\n') {
      *out += "\\n";
    } else if (c == '\r') {
      *out += "\\r";
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\x%02x", c);
      *out += buf;
    } else {
      *out += static_cast<char>(c);
    }
  }
}

}  // namespace

bool ParseLogLevel(std::string_view name, LogLevel* out) {
  static constexpr LogLevel kAll[] = {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kNotice,
                                      LogLevel::kWarning, LogLevel::kError};
  for (LogLevel level : kAll) {
    if (name == LogLevelName(level)) {
      *out = level;
      return true;
    }
  }
  return false;
}

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kNotice: return "notice";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "error";
}

bool ParseLogFacility(std::string_view name, int* out) {
  for (const FacilityName& f : kFacilities) {
    if (name == f.name) {
      *out = f.code;
      return true;
    }
  }
  return false;
}

bool LogInit(const std::string& target, const std::string& facility, LogLevel level,
             std::string* error) {
  if (target == "stderr") {
    if (g_target == Target::kSyslog) closelog();
    g_target = Target::kStderr;
  } else if (target == "syslog") {
    int code = 0;
    if (!ParseLogFacility(facility, &code)) {
      *error = "unknown syslog facility '" + facility + "'";
      return false;
    }
    if (g_target == Target::kSyslog) closelog();
    // LOG_NDELAY: connect now, before any chroot or privilege drop.
    openlog("chatd", LOG_PID | LOG_NDELAY, code);
    g_target = Target::kSyslog;
  } else {
    *error = "unknown log target '" + target + "' (expected stderr or syslog)";
    return false;
  }
  SetLogLevel(level);
  return true;
}

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }

void Log(LogLevel level, const char* fmt, ...) {
  if (static_cast<int>(level) < g_level.load()) return;
  const int saved_errno = errno;

  char small[512];
  std::string formatted;
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    formatted = fmt;  // a broken format: log it raw rather than nothing
  } else if (static_cast<size_t>(n) < sizeof small) {
    formatted.assign(small, n);
  } else {
    formatted.resize(static_cast<size_t>(n) + 1);
    errno = saved_errno;  // for %m
    vsnprintf(&formatted[0], formatted.size(), fmt, ap2);
    formatted.resize(static_cast<size_t>(n));
  }
  va_end(ap2);
  while (!formatted.empty() && formatted.back() == '\n') formatted.pop_back();

  std::string line;
  line.reserve(formatted.size() + 64);
  if (g_target == Target::kStderr) {
    char prefix[96];
    time_t now = time(nullptr);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(prefix, sizeof prefix, "%s chatd[%ld]: %s: ", stamp, static_cast<long>(getpid()),
             LogLevelName(level));
    line = prefix;
    AppendEscaped(&line, formatted);
    line += '\n';
    // One write per line so concurrent writers (e.g. a child) don't interleave.
    size_t off = 0;
    while (off < line.size()) {
      ssize_t w = write(STDERR_FILENO, line.data() + off, line.size() - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      off += static_cast<size_t>(w);
    }
  } else {
    AppendEscaped(&line, formatted);
    syslog(SyslogPriority(level), "%s", line.c_str());
  }
  errno = saved_errno;
}

}  // namespace chatd
