// Status::ToString, the only non-inline part of status.h.
#include "libchat/status.h"

namespace chat {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: name = "Invalid argument"; break;
    case Code::kNotFound: name = "Not found"; break;
    case Code::kIOError: name = "IO error"; break;
    case Code::kCorruption: name = "Corruption"; break;
    case Code::kProtocol: name = "Protocol error"; break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace chat
