// CAP: IRCv3 capability negotiation (https://ircv3.net/specs/extensions/
// capability-negotiation), LS/LIST/REQ/END, version 302 and cap-notify.
#include <sstream>

#include "chatd/irc/caps.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

// Sends "CAP <nick> <sub> [*] :<items>", splitting into several lines with
// the "*" continuation marker when one would be too long.
static void SendCapList(Client& c, const std::string& sub, const std::vector<std::string>& items) {
  constexpr std::size_t kMaxPayload = 380;
  std::vector<std::string> lines(1);
  for (const auto& item : items) {
    if (!lines.back().empty() && lines.back().size() + item.size() + 1 > kMaxPayload) lines.emplace_back();
    if (!lines.back().empty()) lines.back() += ' ';
    lines.back() += item;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    bool more = i + 1 < lines.size();
    if (more) {
      c.ServerMessage("CAP", {c.target_nick(), sub, "*", lines[i]});
    } else {
      c.ServerMessage("CAP", {c.target_nick(), sub, lines[i]});
    }
  }
}

static void CapLs(Client& c, const Message& msg) {
  if (msg.params.size() > 1) {
    int version = atoi(msg.params[1].c_str());
    if (version >= 302) {
      c.cap_version_ = 302;
      c.caps_ |= kCapCapNotify;  // implied by CAP LS 302 (cap-notify spec)
    }
  }
  std::vector<std::string> items;
  for (const auto& cap : AllCaps()) {
    std::string item = cap.name;
    if (c.cap_version_ >= 302 && cap.value != nullptr) item += std::string("=") + cap.value;
    items.push_back(item);
  }
  SendCapList(c, "LS", items);
}

static void CapList(Client& c) {
  std::vector<std::string> items;
  for (const auto& cap : AllCaps()) {
    if (c.has(cap.bit)) items.push_back(cap.name);
  }
  SendCapList(c, "LIST", items);
}

static void CapReq(Client& c, const Message& msg) {
  const std::string& wanted = msg.params.size() > 1 ? msg.params[1] : std::string();
  std::istringstream in(wanted);
  std::string token;
  CapSet add = 0, remove = 0;
  bool ok = !wanted.empty();
  while (in >> token) {
    bool minus = token[0] == '-';
    const CapInfo* cap = FindCap(minus ? token.substr(1) : token);
    if (cap == nullptr) {
      ok = false;
      break;
    }
    (minus ? remove : add) |= cap->bit;
  }
  CapSet after = (c.caps_ | add) & ~remove;
  if (!ok) {
    c.ServerMessage("CAP", {c.target_nick(), "NAK", wanted});
    return;
  }
  c.caps_ = after;
  c.ServerMessage("CAP", {c.target_nick(), "ACK", wanted});
}

static void HandleCap(Server& server, Client& c, const Message& msg) {
  std::string sub = msg.params[0];
  for (auto& ch : sub) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
  if (sub == "LS") {
    if (!c.registered()) c.cap_negotiating_ = true;
    CapLs(c, msg);
  } else if (sub == "LIST") {
    CapList(c);
  } else if (sub == "REQ") {
    if (!c.registered()) c.cap_negotiating_ = true;
    CapReq(c, msg);
  } else if (sub == "END") {
    if (c.registered()) return;
    c.cap_negotiating_ = false;
    TryRegister(server, c);
  } else {
    c.Numeric(irc::ERR_INVALIDCAPCMD, {msg.params[0], "Invalid CAP command"});
  }
}

const std::vector<CommandSpec>& CapCommands() {
  static const std::vector<CommandSpec> specs = {
      {"CAP", 1, true, 0, &HandleCap},
  };
  return specs;
}

}  // namespace chatd
