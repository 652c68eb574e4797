// chatctl's side of the control socket: connecting, sending one request,
// reading its response (libchat/control.h), and turning socket errors into
// messages that say what to do. Blocking I/O with a deadline.
#ifndef CHATCTL_CLIENT_H_
#define CHATCTL_CLIENT_H_

#include <string>
#include <vector>

#include "chatctl/settings.h"
#include "libchat/control.h"

namespace chat::ctl {

// Sends `request` and reads the whole response within timeout_s seconds.
// Returns kExitOk with *response filled (which may be an ERR answer), or
// kExitNotRunning, kExitPermission, kExitUsage or kExitFailed with *error
// set to a sentence saying what to do.
int Transact(const Settings& settings, const std::vector<std::string>& request, int timeout_s,
             Response* response, std::string* error);

enum class Probe { kRunning, kNotRunning, kNoPermission, kUnknown };
// Whether a daemon answers on the socket (for the offline restore).
// *detail explains kNoPermission and kUnknown.
Probe ProbeDaemon(const Settings& settings, std::string* detail);

}  // namespace chat::ctl

#endif  // CHATCTL_CLIENT_H_
