// The client core's conversation model: finding and creating conversations,
// members, and putting lines in order without duplicates (msgid).
#include <algorithm>
#include <utility>

#include "libchat/casemap.h"
#include "libchat/client_core_impl.h"
#include "libchat/client_time.h"
#include "libchat/files/file_tag.h"

namespace chat::client {

std::string_view NickOf(std::string_view source) {
  return source.substr(0, source.find('!'));
}

int64_t LineTime(const irc::Message& m, int64_t fallback_ms) {
  int64_t t;
  const std::string* tag = m.FindTag("time");
  if (tag != nullptr && ParseServerTime(*tag, &t)) return t;
  return fallback_ms;
}

Conversation* Core::Impl::FindConv(std::string_view name_or_key) {
  const std::string key = irc::Fold(name_or_key);
  for (auto& c : convs) {
    if (c->key == key) return c.get();
  }
  return nullptr;
}

Conversation* Core::Impl::GetConv(std::string_view name, Conversation::Kind kind) {
  if (Conversation* c = FindConv(name)) return c;
  if (name.empty() || name.size() > 200) return nullptr;
  if (convs.size() >= kMaxConversations) {
    // Make room by dropping the oldest direct conversation not on screen.
    auto it = std::find_if(convs.begin(), convs.end(), [&](const auto& c) {
      return c->kind == Conversation::Kind::kDirect && c->key != active;
    });
    if (it == convs.end()) return nullptr;
    RemoveConv((*it)->key);
  }
  auto c = std::make_unique<Conversation>();
  c->kind = kind;
  c->key = irc::Fold(name);
  c->name = std::string(name);
  convs.push_back(std::move(c));
  host->OnConversationsChanged();
  return convs.back().get();
}

void Core::Impl::RemoveConv(std::string_view key) {
  const std::string k(key);
  convs.erase(std::remove_if(convs.begin(), convs.end(), [&](const auto& c) { return c->key == k; }),
              convs.end());
  extra.erase(k);
  history_requests.erase(k);
  if (active == k) active.clear();
}

bool Core::Impl::IsMe(std::string_view who) const { return !who.empty() && irc::EqualFold(who, nick); }

bool Core::Impl::Mentions(std::string_view text) const {
  if (nick.empty()) return false;
  const std::string folded = irc::Fold(text), me = irc::Fold(nick);
  auto is_word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '[' ||
           c == ']' || c == '\\' || c == '`' || c == '^' || c == '{' || c == '}' || c == '|';
  };
  for (std::size_t pos = folded.find(me); pos != std::string::npos; pos = folded.find(me, pos + 1)) {
    const bool left_ok = pos == 0 || !is_word(folded[pos - 1]);
    const std::size_t end = pos + me.size();
    const bool right_ok = end >= folded.size() || !is_word(folded[end]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

bool Core::Impl::ToChatLine(const irc::Message& m, ChatLine* out) const {
  if (m.params.size() < 2) return false;
  ChatLine l;
  l.kind = m.command == "NOTICE" ? ChatLine::Kind::kNotice : ChatLine::Kind::kMessage;
  l.text = m.params[1];
  if (!l.text.empty() && l.text[0] == '\x01') {
    std::string_view body(l.text);
    body.remove_prefix(1);
    if (!body.empty() && body.back() == '\x01') body.remove_suffix(1);
    if (body.substr(0, 7) != "ACTION " && body != "ACTION") return false;  // other CTCP: not shown
    l.kind = ChatLine::Kind::kAction;
    l.text = std::string(body.size() > 7 ? body.substr(7) : std::string_view());
  }
  if (const std::string* id = m.FindTag("msgid")) l.msgid = *id;
  if (const std::string* acct = m.FindTag("account")) l.account = *acct;
  if (const std::string* file = m.FindTag(files::kFileTagName)) l.file_tag = *file;
  l.time_ms = LineTime(m, now_ms);
  l.from = std::string(NickOf(m.source));
  l.self = IsMe(l.from) || (!account.empty() && irc::EqualFold(l.account, account));
  l.mention = !l.self && Mentions(l.text);
  *out = std::move(l);
  return true;
}

void Core::Impl::Trim(Conversation* c) {
  ConvExtra& x = Extra(*c);
  while (c->lines.size() > Core::kMaxLines) {
    if (!c->lines.front().msgid.empty()) x.msgids.erase(c->lines.front().msgid);
    c->lines.pop_front();
  }
}

bool Core::Impl::AppendLine(Conversation* c, ChatLine line) {
  if (HasMsgid(*c, line.msgid)) return false;
  if (!line.msgid.empty()) Extra(*c).msgids.insert(line.msgid);
  Touch(line);
  c->lines.push_back(std::move(line));
  Trim(c);
  return true;
}

bool Core::Impl::InsertHistoryLine(Conversation* c, ChatLine line) {
  if (HasMsgid(*c, line.msgid)) return false;
  if (!line.msgid.empty()) Extra(*c).msgids.insert(line.msgid);
  Touch(line);
  // After every line not newer than it; pending lines stay at the end.
  auto pos = c->lines.end();
  while (pos != c->lines.begin()) {
    auto prev = std::prev(pos);
    if (!prev->pending && prev->time_ms <= line.time_ms) break;
    pos = prev;
  }
  c->lines.insert(pos, std::move(line));
  Trim(c);
  return true;
}

void Core::Impl::AddEvent(Conversation* c, ChatLine::Kind kind, std::string from, std::string text) {
  ChatLine l;
  l.kind = kind;
  l.time_ms = now_ms;
  l.self = IsMe(from);
  l.from = std::move(from);
  l.text = std::move(text);
  AppendLine(c, std::move(l));
  host->OnLinesChanged(c->key);
}

Member* Core::Impl::FindMember(Conversation* c, std::string_view who) {
  for (Member& m : c->members) {
    if (!m.nick.empty() && irc::EqualFold(m.nick, who)) return &m;
  }
  return nullptr;
}

void Core::Impl::SortMembers(Conversation* c) {
  std::stable_sort(c->members.begin(), c->members.end(), [](const Member& a, const Member& b) {
    if (a.state != b.state) return a.state < b.state;
    const std::string an = irc::Fold(a.nick.empty() ? a.account : a.nick);
    const std::string bn = irc::Fold(b.nick.empty() ? b.account : b.nick);
    return an < bn;
  });
}

void Core::Impl::CountUnread(Conversation* c, const ChatLine& line, bool live) {
  if (line.self || line.kind > ChatLine::Kind::kNotice) return;
  const bool direct = c->kind == Conversation::Kind::kDirect;
  if (c->key != active) {
    ++c->unread;
    if (line.mention || direct) ++c->mentions;
    host->OnConversationsChanged();
  }
  if (live && (notify_all || line.mention || direct)) host->OnNotify(c->key, line);
}

void Core::Impl::ScheduleMemberRefresh(Conversation* c) {
  if (!Has("chatd.dev/roster") || !c->registered) return;
  ConvExtra& x = Extra(*c);
  if (x.members_due_ms == 0) x.members_due_ms = std::max(now_ms, x.members_last_ms + kMemberRefreshMs);
}

}  // namespace chat::client
