// The offline outbox (see outbox.h): entries and their one-IRC-line-per-entry
// serialization through the libchat codec.
#include "libchat/outbox.h"

#include <string>
#include <utility>

#include "libchat/client_time.h"
#include "libchat/files/file_tag.h"
#include "libchat/message.h"

namespace chat::client {
namespace {

bool IsLabel(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) return false;
  }
  return true;
}

bool IsValid(const OutboxEntry& e) {
  if (!IsLabel(e.label)) return false;
  if (e.target.empty() || e.target[0] == ':' || e.target.find_first_of(" \r\n,", 0) != std::string::npos ||
      e.target.find('\0') != std::string::npos) {
    return false;
  }
  if (e.command != "PRIVMSG" && e.command != "NOTICE") return false;
  return e.text.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
}

}  // namespace

bool Outbox::Add(OutboxEntry entry) {
  if (entries_.size() >= kMaxEntries || !IsValid(entry) || Find(entry.label) != nullptr) return false;
  entries_.push_back(std::move(entry));
  return true;
}

bool Outbox::Remove(std::string_view label) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->label == label) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

const OutboxEntry* Outbox::Find(std::string_view label) const {
  for (const OutboxEntry& e : entries_) {
    if (e.label == label) return &e;
  }
  return nullptr;
}

std::string Outbox::Serialize() const {
  std::string out;
  for (const OutboxEntry& e : entries_) {
    irc::Message m;
    m.SetTag("label", e.label);
    m.SetTag("time", FormatServerTime(e.created_ms));
    if (!e.file_tag.empty()) m.SetTag(std::string(files::kFileTagName), e.file_tag);
    m.command = e.command;
    m.params = {e.target, e.text};
    out += irc::Serialize(m);
  }
  return out;
}

bool Outbox::ParseEntry(std::string_view line, OutboxEntry* out) {
  irc::Message m;
  irc::Limits limits;
  limits.max_body = irc::kMaxLineBytes;  // our own file: the text may be long
  if (irc::ParseLine(line, limits, &m) != irc::LineError::kNone) return false;
  if (!m.source.empty() || m.params.size() != 2) return false;
  const std::string* label = m.FindTag("label");
  const std::string* time = m.FindTag("time");
  OutboxEntry e;
  if (label == nullptr || time == nullptr || !ParseServerTime(*time, &e.created_ms)) return false;
  e.label = *label;
  e.command = m.command;
  e.target = m.params[0];
  e.text = m.params[1];
  if (const std::string* tag = m.FindTag(files::kFileTagName)) e.file_tag = *tag;
  if (!IsValid(e)) return false;
  *out = std::move(e);
  return true;
}

Result<Outbox> Outbox::Parse(std::string_view data) {
  Outbox box;
  std::size_t line_no = 0;
  while (!data.empty()) {
    const std::size_t nl = data.find('\n');
    std::string_view line = data.substr(0, nl);
    data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    OutboxEntry e;
    if (!ParseEntry(line, &e) || !box.Add(std::move(e))) {
      return Status::Corruption("outbox line " + std::to_string(line_no) + " is not a valid entry");
    }
  }
  return box;
}

bool Outbox::Load(std::string_view data) {
  entries_.clear();
  bool clean = true;
  while (!data.empty()) {
    const std::size_t nl = data.find('\n');
    std::string_view line = data.substr(0, nl);
    data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    OutboxEntry e;
    if (!ParseEntry(line, &e) || !Add(std::move(e))) clean = false;
  }
  return clean;
}

}  // namespace chat::client
