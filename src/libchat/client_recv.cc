// The client core's handling of lines from the server: CAP, batches,
// channel events, messages, roster, history, standard replies and numerics.
// Anything malformed or unexpected is ignored; nothing here may abort.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "libchat/casemap.h"
#include "libchat/client_core_impl.h"
#include "libchat/client_time.h"
#include "libchat/numerics.h"

namespace chat::client {
namespace {

constexpr std::size_t kMaxMembers = 20000;
constexpr std::size_t kMaxListEntries = 20000;

// Space-separated tokens of s.
std::vector<std::string_view> Tokens(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const std::size_t sp = s.find(' ');
    if (sp != 0) out.push_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

bool IsNumeric(const std::string& cmd) {
  return cmd.size() == 3 && std::all_of(cmd.begin(), cmd.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Member::State ParseRosterState(std::string_view s) {
  if (s == "away") return Member::State::kAway;
  if (s == "offline") return Member::State::kOffline;
  return Member::State::kOnline;
}

}  // namespace

void Core::Impl::HandleLine(std::string_view line) {
  irc::Message m;
  irc::Limits limits;
  limits.client_tags_only = false;
  limits.max_body = 4096;  // be lenient with what servers send
  if (irc::ParseLine(line, limits, &m) != irc::LineError::kNone) return;
  std::string label;
  if (const std::string* l = m.FindTag("label")) label = *l;
  if (const std::string* ref = m.FindTag("batch"); ref != nullptr && m.command != "BATCH") {
    auto it = batches.find(*ref);
    if (it != batches.end()) {
      Batch& b = it->second;
      if (b.type == "chathistory" || b.type == "chatd.dev/roster" || b.type == "draft/chathistory-targets") {
        if (b.lines.size() < kMaxBatchLines) b.lines.push_back(std::move(m));
        return;
      }
      if (label.empty()) label = b.label;
    }
  }
  Dispatch(m, label);
}

void Core::Impl::Dispatch(const irc::Message& m, const std::string& label) {
  const std::string& cmd = m.command;
  if (IsNumeric(cmd)) return HandleNumeric(m, label);
  if (cmd == "PING") {
    irc::Message pong;
    pong.command = "PONG";
    if (!m.params.empty()) pong.params = {m.params.back()};
    return Send(pong);
  }
  if (cmd == "PRIVMSG" || cmd == "NOTICE") return HandleMessage(m, label);
  if (cmd == "TAGMSG") return HandleTagmsg(m);
  if (cmd == "FILEHOST") return HandleFilehost(m);
  if (cmd == "JOIN") return HandleJoin(m);
  if (cmd == "PART") return HandlePart(m);
  if (cmd == "QUIT") return HandleQuit(m);
  if (cmd == "KICK") return HandleKick(m);
  if (cmd == "NICK") return HandleNick(m);
  if (cmd == "TOPIC") return HandleTopic(m);
  if (cmd == "MODE") return HandleMode(m);
  if (cmd == "AWAY") return HandleAway(m);
  if (cmd == "ACCOUNT") return HandleAccount(m);
  if (cmd == "INVITE") return HandleInvite(m);
  if (cmd == "BATCH") return HandleBatch(m);
  if (cmd == "CAP") return HandleCap(m);
  if (cmd == "AUTHENTICATE") return OnAuthenticate(m);
  if (cmd == "ROSTER") return HandleRoster(m, nullptr);
  if (cmd == "FAIL" || cmd == "WARN" || cmd == "NOTE") return HandleStandardReply(m, label);
  if (cmd == "CHATHISTORY") return HandleTargets({m});
  if (cmd == "ACK") {
    // labeled-response without an echo: the server took it, no msgid known.
    for (auto& c : convs) {
      for (ChatLine& l : c->lines) {
        if (!label.empty() && l.label == label && l.pending) {
          l.pending = false;
          Touch(l);
          host->OnLinesChanged(c->key);
        }
      }
    }
    if (!label.empty() && outbox.Remove(label)) SaveOutbox();
    return;
  }
  if (cmd == "REGISTER") {
    // draft/account-registration: REGISTER SUCCESS <account> :message
    if (m.params.size() >= 2 && m.params[0] == "SUCCESS") {
      account = m.params[1];
      opts.mode = LoginMode::kLogin;  // reconnects log in with the same credentials
      if (state == ConnState::kRegistering) EndCap();
    }
    return;
  }
  if (cmd == "ERROR") {
    if (!quitting && !m.params.empty()) Report(Problem::kServerError, "", m.params.back());
    return;
  }
}

// ---------------------------------------------------------------- CAP

void Core::Impl::HandleCap(const irc::Message& m) {
  // CAP <nick> <sub> [*] :<caps> (IRCv3 capability negotiation 3.2)
  if (m.params.size() < 3) return;
  const std::string& sub = m.params[1];
  const bool more = m.params.size() >= 4 && m.params[2] == "*";
  const std::string& list = m.params.back();
  if (sub == "LS" || sub == "NEW") {
    std::vector<std::string> req;
    for (std::string_view tok : Tokens(list)) {
      const std::size_t eq = tok.find('=');
      std::string name(tok.substr(0, eq));
      std::string value(eq == std::string_view::npos ? std::string_view() : tok.substr(eq + 1));
      if (server_caps.size() < 200) server_caps[name] = value;
      if (WantedCap(name) && !caps.count(name)) req.push_back(name);
    }
    if (sub == "LS") {
      if (more || cap_ls_done) return;
      cap_ls_done = true;
      req.clear();
      for (const auto& [name, value] : server_caps) {
        if (WantedCap(name)) req.push_back(name);
      }
    }
    // One REQ per ~400 bytes so no line exceeds the limit.
    std::string batch;
    for (std::size_t i = 0; i <= req.size(); ++i) {
      if (i == req.size() || batch.size() + req[i].size() + 1 > 400) {
        if (!batch.empty()) {
          ++cap_req_outstanding;
          SendCmd("CAP", {"REQ", batch});
          batch.clear();
        }
        if (i == req.size()) break;
      }
      if (!batch.empty()) batch += ' ';
      batch += req[i];
    }
    if (sub == "LS") AfterCapAck();
    return;
  }
  if (sub == "ACK" || sub == "NAK") {
    if (sub == "ACK") {
      for (std::string_view tok : Tokens(list)) {
        if (!tok.empty() && tok[0] == '-') {
          caps.erase(std::string(tok.substr(1)));
        } else {
          caps.insert(std::string(tok));
        }
      }
    }
    if (cap_req_outstanding > 0) --cap_req_outstanding;
    AfterCapAck();
    return;
  }
  if (sub == "DEL") {
    for (std::string_view tok : Tokens(list)) {
      caps.erase(std::string(tok));
      server_caps.erase(std::string(tok));
    }
  }
}

// ---------------------------------------------------------------- batches

void Core::Impl::HandleBatch(const irc::Message& m) {
  if (m.params.empty() || m.params[0].size() < 2) return;
  const std::string ref = m.params[0].substr(1);
  if (m.params[0][0] == '+') {
    if (batches.size() >= kMaxOpenBatches || m.params.size() < 2) return;
    Batch b;
    b.type = m.params[1];
    if (m.params.size() >= 3) b.target = m.params[2];
    if (const std::string* l = m.FindTag("label")) b.label = *l;
    batches[ref] = std::move(b);
  } else if (m.params[0][0] == '-') {
    auto it = batches.find(ref);
    if (it == batches.end()) return;
    Batch b = std::move(it->second);
    batches.erase(it);
    FinishBatch(b);
  }
}

void Core::Impl::FinishBatch(Batch& b) {
  if (b.type == "chathistory") return HandleHistoryBatch(b);
  if (b.type == "chatd.dev/roster") return HandleRosterBatch(b);
  if (b.type == "draft/chathistory-targets") return HandleTargets(b.lines);
}

void Core::Impl::HandleHistoryBatch(Batch& b) {
  HistoryRequest req{HistoryKind::kLatest, Core::kHistoryPage, false};
  const std::string key = irc::Fold(b.target);
  auto q = history_requests.find(key);
  if (q != history_requests.end() && !q->second.empty()) {
    req = q->second.front();
    q->second.pop_front();
  }
  Conversation* c = FindConv(b.target);
  if (c == nullptr) {
    if (b.target.empty() || irc::IsChannelName(b.target) || !irc::IsValidNick(b.target, 64)) return;
    c = GetConv(b.target, Conversation::Kind::kDirect);
    if (c == nullptr) return;
  }
  std::string newest;
  int added = 0;
  for (const irc::Message& m : b.lines) {
    if (m.command != "PRIVMSG" && m.command != "NOTICE") continue;
    ChatLine l;
    if (!ToChatLine(m, &l)) continue;
    if (!l.msgid.empty()) newest = l.msgid;
    const ChatLine copy = l;
    if (InsertHistoryLine(c, std::move(l))) {
      ++added;
      if (req.count_unread) CountUnread(c, copy, false);
    }
  }
  // chatd counts stored TAGMSGs (typing) against the limit but doesn't play
  // them back, so a short page doesn't prove the end: only an empty one does.
  const bool empty = b.lines.empty();
  switch (req.kind) {
    case HistoryKind::kLatest:
      c->history_loaded = true;
      if (empty) c->history_complete = true;
      break;
    case HistoryKind::kBefore:
      if (empty) c->history_complete = true;
      break;
    case HistoryKind::kAfter:
      if (!empty && !newest.empty()) {
        RequestHistory(c, HistoryKind::kAfter, "msgid=" + newest, req.limit, req.count_unread);
      }
      break;
  }
  host->OnLinesChanged(c->key);
  if (added > 0 || req.kind == HistoryKind::kLatest) host->OnConversationsChanged();
}

void Core::Impl::HandleTargets(const std::vector<irc::Message>& lines) {
  for (const irc::Message& m : lines) {
    // CHATHISTORY TARGETS <target> <latest timestamp>
    if (m.command != "CHATHISTORY" || m.params.size() < 3 || m.params[0] != "TARGETS") continue;
    const std::string& name = m.params[1];
    if (irc::IsChannelName(name) || !irc::IsValidNick(name, 64)) continue;  // channels come with JOIN
    int64_t latest = 0;
    ParseServerTime(m.params[2], &latest);
    Conversation* c = FindConv(name);
    const bool known = c != nullptr;
    if (c == nullptr) c = GetConv(name, Conversation::Kind::kDirect);
    if (c == nullptr) continue;
    const bool has_msgid = std::any_of(c->lines.begin(), c->lines.end(),
                                       [](const ChatLine& l) { return !l.msgid.empty(); });
    // Known conversations with a msgid were already caught up by msgid.
    if (offline_since_ms > 0 && latest > offline_since_ms && !(known && has_msgid)) {
      RequestHistory(c, HistoryKind::kAfter, "timestamp=" + FormatServerTime(offline_since_ms), history_limit,
                     true);
    }
  }
}

void Core::Impl::HandleRosterBatch(Batch& b) {
  Conversation* c = FindConv(b.target);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel) return;
  std::vector<Member> members;
  for (const irc::Message& m : b.lines) {
    if (m.command == "ROSTER") HandleRoster(m, &members);
  }
  for (Member& n : members) {  // op/voice come from NAMES and MODE
    if (n.nick.empty()) continue;
    if (Member* old = FindMember(c, n.nick)) {
      n.op = old->op;
      n.voice = old->voice;
    }
  }
  c->members = std::move(members);
  c->registered = true;
  SortMembers(c);
  host->OnMembersChanged(c->key);
}

void Core::Impl::HandleRoster(const irc::Message& m, std::vector<Member>* into) {
  // :server ROSTER <#channel> <account> <online|away|offline> <nick|*>
  if (m.params.size() < 4) return;
  Member n;
  n.account = m.params[1] == "*" ? "" : m.params[1];
  n.state = ParseRosterState(m.params[2]);
  n.nick = m.params[3] == "*" ? "" : m.params[3];
  if (n.state == Member::State::kOffline) n.nick.clear();
  if (n.account.empty() && n.nick.empty()) return;
  if (into != nullptr) {
    if (into->size() < kMaxMembers) into->push_back(std::move(n));
    return;
  }
  Conversation* c = FindConv(m.params[0]);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel) return;
  auto it = std::find_if(c->members.begin(), c->members.end(), [&](const Member& x) {
    return n.account.empty() ? (!x.nick.empty() && irc::EqualFold(x.nick, n.nick))
                             : irc::EqualFold(x.account, n.account);
  });
  if (it != c->members.end()) {
    it->state = n.state;
    it->nick = n.nick;
  } else if (c->members.size() < kMaxMembers) {
    c->members.push_back(std::move(n));
  }
  c->registered = true;
  SortMembers(c);
  host->OnMembersChanged(c->key);
}

// ---------------------------------------------------------------- channel events

void Core::Impl::HandleJoin(const irc::Message& m) {
  if (m.params.empty() || !irc::IsChannelName(m.params[0])) return;
  const std::string who(NickOf(m.source));
  const std::string& chan = m.params[0];
  if (IsMe(who)) {
    // Ours: asked for, or a roster channel the server re-joins for us.
    Conversation* c = GetConv(chan, Conversation::Kind::kChannel);
    if (c == nullptr) return;
    c->joined = true;
    c->name = chan;
    // The server follows our JOIN with 332 when a topic is set; none means
    // it was cleared while we were away.
    c->topic.clear();
    ConvExtra& x = Extra(*c);
    x.rejoin = false;
    join_queue.erase(chan);
    if (Has("chatd.dev/roster")) RequestMembersNow(c);  // NAMES comes by itself
    if (c->key == active && !c->history_loaded) {
      RequestHistory(c, HistoryKind::kLatest, "*", Core::kHistoryPage, false);
    }
    host->OnConversationsChanged();
    return;
  }
  Conversation* c = FindConv(chan);
  if (c == nullptr) return;
  std::string acct = m.params.size() >= 3 && m.params[1] != "*" ? m.params[1] : "";
  Member* mem = FindMember(c, who);
  if (mem == nullptr && !acct.empty()) {
    auto it = std::find_if(c->members.begin(), c->members.end(),
                           [&](const Member& x) { return irc::EqualFold(x.account, acct); });
    if (it != c->members.end()) mem = &*it;
  }
  if (mem == nullptr) {
    if (c->members.size() >= kMaxMembers) return;
    c->members.push_back(Member{});
    mem = &c->members.back();
  }
  mem->nick = who;
  if (!acct.empty()) mem->account = acct;
  mem->state = Member::State::kOnline;
  SortMembers(c);
  host->OnMembersChanged(c->key);
  AddEvent(c, ChatLine::Kind::kJoin, who, "");
  ScheduleMemberRefresh(c);
}

void Core::Impl::HandlePart(const irc::Message& m) {
  if (m.params.empty()) return;
  const std::string who(NickOf(m.source));
  Conversation* c = FindConv(m.params[0]);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel) return;
  const std::string reason = m.params.size() >= 2 ? m.params[1] : "";
  if (IsMe(who)) {
    c->joined = false;
    c->members.clear();
    Extra(*c).rejoin = false;
    host->OnMembersChanged(c->key);
    AddEvent(c, ChatLine::Kind::kPart, who, reason);
    host->OnConversationsChanged();
    return;
  }
  // PART leaves the roster too (doc/protocol.md "Registered channels").
  c->members.erase(std::remove_if(c->members.begin(), c->members.end(),
                                  [&](const Member& x) { return !x.nick.empty() && irc::EqualFold(x.nick, who); }),
                   c->members.end());
  host->OnMembersChanged(c->key);
  AddEvent(c, ChatLine::Kind::kPart, who, reason);
  if (c->typing.erase(who) > 0) host->OnTypingChanged(c->key);
  ScheduleMemberRefresh(c);
}

void Core::Impl::HandleQuit(const irc::Message& m) {
  const std::string who(NickOf(m.source));
  if (who.empty() || IsMe(who)) return;
  const std::string reason = m.params.empty() ? "" : m.params[0];
  for (auto& c : convs) {
    if (c->typing.erase(irc::Fold(who)) + c->typing.erase(who) > 0) host->OnTypingChanged(c->key);
    if (c->kind != Conversation::Kind::kChannel) continue;
    auto it = std::find_if(c->members.begin(), c->members.end(),
                           [&](const Member& x) { return !x.nick.empty() && irc::EqualFold(x.nick, who); });
    if (it == c->members.end()) continue;
    if (c->registered && !it->account.empty()) {
      it->state = Member::State::kOffline;  // still on the roster
      it->nick.clear();
    } else {
      c->members.erase(it);
    }
    SortMembers(c.get());
    host->OnMembersChanged(c->key);
    AddEvent(c.get(), ChatLine::Kind::kQuit, who, reason);
    ScheduleMemberRefresh(c.get());
  }
}

void Core::Impl::HandleKick(const irc::Message& m) {
  if (m.params.size() < 2) return;
  const std::string kicker(NickOf(m.source));
  const std::string& victim = m.params[1];
  Conversation* c = FindConv(m.params[0]);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel) return;
  const std::string reason = m.params.size() >= 3 ? m.params[2] : "";
  const std::string detail = reason.empty() || reason == kicker ? kicker : kicker + ": " + reason;
  if (IsMe(victim)) {
    c->joined = false;
    c->members.clear();
    Extra(*c).rejoin = false;
    host->OnMembersChanged(c->key);
    AddEvent(c, ChatLine::Kind::kKick, victim, detail);
    host->OnConversationsChanged();
    Report(Problem::kKicked, c->name,
           "You were removed from " + c->name + " by " + kicker + (reason.empty() ? "." : " (" + reason + ")."));
    return;
  }
  c->members.erase(std::remove_if(c->members.begin(), c->members.end(),
                                  [&](const Member& x) { return !x.nick.empty() && irc::EqualFold(x.nick, victim); }),
                   c->members.end());
  host->OnMembersChanged(c->key);
  AddEvent(c, ChatLine::Kind::kKick, victim, detail);
  ScheduleMemberRefresh(c);
}

void Core::Impl::HandleNick(const irc::Message& m) {
  if (m.params.empty() || m.params[0].empty()) return;
  const std::string old_nick(NickOf(m.source));
  const std::string& new_nick = m.params[0];
  if (old_nick.empty()) return;
  const bool me = IsMe(old_nick);
  if (me) nick = new_nick;
  for (auto& c : convs) {
    if (c->kind != Conversation::Kind::kChannel) continue;
    Member* mem = FindMember(c.get(), old_nick);
    if (mem == nullptr) continue;
    mem->nick = new_nick;
    SortMembers(c.get());
    host->OnMembersChanged(c->key);
    auto t = c->typing.find(old_nick);
    if (t != c->typing.end()) {
      c->typing.erase(t);
      host->OnTypingChanged(c->key);
    }
    AddEvent(c.get(), ChatLine::Kind::kNick, old_nick, new_nick);
  }
  // A direct conversation follows the other party's nick (unless one exists).
  if (!me) {
    Conversation* d = FindConv(old_nick);
    if (d != nullptr && d->kind == Conversation::Kind::kDirect && FindConv(new_nick) == nullptr) {
      const std::string old_key = d->key;
      d->key = irc::Fold(new_nick);
      d->name = new_nick;
      auto x = extra.find(old_key);
      if (x != extra.end()) {
        extra[d->key] = x->second;
        extra.erase(old_key);
      }
      history_requests.erase(old_key);
      if (active == old_key) active = d->key;
      AddEvent(d, ChatLine::Kind::kNick, old_nick, new_nick);
      host->OnConversationsChanged();
    }
  }
}

void Core::Impl::HandleTopic(const irc::Message& m) {
  if (m.params.size() < 2) return;
  Conversation* c = FindConv(m.params[0]);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel) return;
  c->topic = m.params[1];
  AddEvent(c, ChatLine::Kind::kTopic, std::string(NickOf(m.source)), c->topic);
  host->OnConversationsChanged();
}

void Core::Impl::ApplyModes(Conversation* c, const std::vector<std::string>& params, std::size_t first,
                            std::string_view setter) {
  if (params.size() <= first) return;
  const std::string& modes = params[first];
  std::size_t arg = first + 1;
  bool plus = true, members_changed = false;
  ConvExtra& x = Extra(*c);
  for (char ch : modes) {
    switch (ch) {
      case '+': plus = true; break;
      case '-': plus = false; break;
      case 'o':
      case 'v': {
        if (arg >= params.size()) break;
        if (Member* mem = FindMember(c, params[arg])) {
          (ch == 'o' ? mem->op : mem->voice) = plus;
          members_changed = true;
        }
        ++arg;
        break;
      }
      case 'b': case 'k': ++arg; break;  // CHANMODES=b,k,l,imnst: b and k always take one
      case 'l': if (plus) ++arg; break;
      case 'i': x.mode_i = plus; break;
      case 's': x.mode_s = plus; break;
      default: break;
    }
  }
  const bool was_private = c->is_private;
  c->is_private = x.mode_i || x.mode_s;
  if (members_changed) host->OnMembersChanged(c->key);
  if (!setter.empty()) {
    std::string detail;
    for (std::size_t i = first; i < params.size(); ++i) detail += (i > first ? " " : "") + params[i];
    AddEvent(c, ChatLine::Kind::kMode, std::string(setter), detail);
  }
  if (was_private != c->is_private) host->OnConversationsChanged();
}

void Core::Impl::HandleMode(const irc::Message& m) {
  if (m.params.size() < 2 || !irc::IsChannelName(m.params[0])) return;  // user modes: nothing to show
  Conversation* c = FindConv(m.params[0]);
  if (c == nullptr) return;
  ApplyModes(c, m.params, 1, NickOf(m.source));
}

void Core::Impl::HandleAway(const irc::Message& m) {
  // away-notify: AWAY :<message> (away) or AWAY (back).
  const std::string who(NickOf(m.source));
  SetAwayMessage(who, m.params.empty() ? "" : m.params[0]);
  if (m.params.empty() || m.params[0].empty()) {
    if (Conversation* d = FindConv(who)) Extra(*d).away_shown.clear();
  }
}

void Core::Impl::SetAwayMessage(std::string_view who, const std::string& text) {
  const bool away = !text.empty();
  for (auto& c : convs) {
    if (c->kind != Conversation::Kind::kChannel) continue;
    Member* mem = FindMember(c.get(), who);
    if (mem == nullptr) continue;
    const Member::State state = away ? Member::State::kAway : Member::State::kOnline;
    if (mem->state == state && mem->away_message == text) continue;
    mem->state = state;
    mem->away_message = text;
    SortMembers(c.get());
    host->OnMembersChanged(c->key);
    ScheduleMemberRefresh(c.get());
  }
  // The direct conversation's header shows it too.
  if (Conversation* d = FindConv(who)) host->OnMembersChanged(d->key);
}

void Core::Impl::HandleAccount(const irc::Message& m) {
  if (m.params.empty()) return;
  const std::string who(NickOf(m.source));
  const std::string acct = m.params[0] == "*" ? "" : m.params[0];
  if (IsMe(who)) account = acct;
  for (auto& c : convs) {
    if (Member* mem = c->kind == Conversation::Kind::kChannel ? FindMember(c.get(), who) : nullptr) {
      mem->account = acct;
      host->OnMembersChanged(c->key);
    }
  }
}

void Core::Impl::HandleInvite(const irc::Message& m) {
  // An invitation to us (groups are invite-only channels): join it.
  if (m.params.size() < 2 || !IsMe(m.params[0]) || !irc::IsValidChannelName(m.params[1], 200)) return;
  if (FindConv(m.params[1]) != nullptr && FindConv(m.params[1])->joined) return;
  SendCmd("JOIN", {m.params[1]});
}

// ---------------------------------------------------------------- messages

void Core::Impl::HandleMessage(const irc::Message& m, const std::string& label) {
  if (m.params.size() < 2) return;
  std::string target = m.params[0];
  while (!target.empty() && (target[0] == '@' || target[0] == '+') && target.size() > 1 && target[1] != '@' &&
         (target[1] == '#' || target[1] == '+')) {
    target.erase(0, 1);  // STATUSMSG "@#chan"
  }
  const std::string_view from = NickOf(m.source);
  // Server notices (no nick!user@host) have no conversation to go in.
  if (from.empty() || m.source.find('!') == std::string::npos || target.empty() || target == "*") return;
  ChatLine line;
  if (!ToChatLine(m, &line)) return;
  Conversation* c = nullptr;
  if (irc::IsChannelName(target)) {
    c = FindConv(target);
  } else {
    // Direct: keyed by the other party; our own echo goes to the target's.
    const std::string other = line.self && IsMe(from) ? target : std::string(from);
    if (!irc::IsValidNick(other, 64)) return;
    c = GetConv(other, Conversation::Kind::kDirect);
  }
  if (c == nullptr) return;
  if (c->typing.erase(std::string(from)) > 0) host->OnTypingChanged(c->key);

  // Our echo (echo-message + labeled-response): replaces the pending line.
  // Searched from the newest line: pending lines are at the end.
  std::deque<ChatLine>::iterator pending = c->lines.end();
  auto find_last = [&](auto pred) {
    auto it = std::find_if(c->lines.rbegin(), c->lines.rend(), pred);
    return it == c->lines.rend() ? c->lines.end() : std::prev(it.base());
  };
  if (!label.empty()) {
    pending = find_last([&](const ChatLine& l) { return l.label == label; });
  } else if (line.self && !Has("labeled-response")) {
    pending = find_last([&](const ChatLine& l) { return l.pending && l.text == line.text; });
    if (pending != c->lines.end() && outbox.Remove(pending->label)) SaveOutbox();
  }
  if (!label.empty() && outbox.Remove(label)) SaveOutbox();
  if (pending != c->lines.end()) {
    const bool duplicate = pending->msgid != line.msgid && HasMsgid(*c, line.msgid);
    if (duplicate) {
      if (!pending->msgid.empty()) Extra(*c).msgids.erase(pending->msgid);
      c->lines.erase(pending);  // history brought it first
    } else {
      if (!pending->msgid.empty()) Extra(*c).msgids.erase(pending->msgid);
      if (!line.msgid.empty()) Extra(*c).msgids.insert(line.msgid);
      Touch(*pending);
      pending->msgid = line.msgid;
      pending->time_ms = line.time_ms;
      pending->account = line.account;
      pending->pending = false;
      pending->failed = false;
    }
    host->OnLinesChanged(c->key);
    return;
  }
  const ChatLine copy = line;
  if (!AppendLine(c, std::move(line))) return;
  host->OnLinesChanged(c->key);
  CountUnread(c, copy, true);
}

void Core::Impl::HandleFilehost(const irc::Message& m) {
  // :<server> FILEHOST TOKEN <token> <expires> (doc/protocol.md, "File sharing")
  if (m.params.size() < 3 || m.params[0] != "TOKEN") return;
  const int64_t expires = std::strtoll(m.params[2].c_str(), nullptr, 10);
  host->OnFileToken(m.params[1], expires, "");
}

void Core::Impl::HandleTagmsg(const irc::Message& m) {
  const std::string* typing = m.FindTag("+typing");
  if (typing == nullptr || m.params.empty()) return;
  const std::string from(NickOf(m.source));
  if (from.empty() || IsMe(from)) return;
  Conversation* c = irc::IsChannelName(m.params[0]) ? FindConv(m.params[0]) : FindConv(from);
  if (c == nullptr) return;
  if (*typing == "active" || *typing == "paused") {
    if (c->typing.size() >= 100 && !c->typing.count(from)) return;
    c->typing[from] = now_ms + Core::kTypingTimeoutMs;
  } else if (*typing == "done") {
    if (c->typing.erase(from) == 0) return;
  } else {
    return;
  }
  host->OnTypingChanged(c->key);
}

void Core::Impl::MarkWaiting(const std::string& label, const std::string& recipient) {
  // NOTE PRIVMSG RECIPIENT_OFFLINE <nick> :<nick> is offline; ... (chatd's
  // offline delivery, doc/protocol.md): the line with our label, or without
  // labeled-response our newest line to that nick.
  Conversation* c = FindConv(recipient);
  if (c == nullptr) return;
  for (auto it = c->lines.rbegin(); it != c->lines.rend(); ++it) {
    const bool match = label.empty() ? it->self && !it->failed : it->label == label;
    if (!match) continue;
    it->waiting_for = recipient;
    it->failed = false;
    Touch(*it);
    host->OnLinesChanged(c->key);
    return;
  }
}

bool Core::Impl::MarkFailed(const std::string& label, std::string_view reason) {
  if (label.empty()) return false;
  bool found = false;
  for (auto& c : convs) {
    for (ChatLine& l : c->lines) {
      if (l.label != label || !l.pending) continue;
      l.pending = false;
      Touch(l);
      l.failed = true;
      found = true;
      ChatLine note;
      note.kind = ChatLine::Kind::kNotice;
      note.time_ms = now_ms;
      note.text = "Not delivered: " + std::string(reason);
      AppendLine(c.get(), std::move(note));
      host->OnLinesChanged(c->key);
      break;
    }
  }
  if (outbox.Remove(label)) {
    SaveOutbox();
    found = true;
  }
  return found;
}

// ---------------------------------------------------------------- replies

void Core::Impl::HandleStandardReply(const irc::Message& m, const std::string& label) {
  // FAIL <command> <code> [<context>...] :<description> (IRCv3 standard-replies)
  if (m.command == "NOTE" && m.params.size() >= 4 && m.params[0] == "PRIVMSG" &&
      m.params[1] == "RECIPIENT_OFFLINE") {
    return MarkWaiting(label, m.params[2]);
  }
  if (m.command != "FAIL" || m.params.size() < 3) return;
  const std::string& cmd = m.params[0];
  const std::string& code = m.params[1];
  const std::string& desc = m.params.back();
  const std::string context = m.params.size() >= 4 ? m.params[2] : "";
  if (cmd == "FILEHOST") return host->OnFileToken("", 0, desc);
  if (cmd == "REGISTER") {
    if (state != ConnState::kRegistering) return Report(Problem::kRegistrationRefused, opts.nick, desc);
    if (code == "ACCOUNT_EXISTS") return Fatal(Problem::kAccountExists, opts.nick, desc);
    return Fatal(Problem::kRegistrationRefused, opts.nick, desc);
  }
  if (cmd == "PRIVMSG" || cmd == "NOTICE") {
    MarkFailed(label, desc);
    return Report(Problem::kCannotSend, m.params.size() >= 5 ? m.params[3] : context, desc);
  }
  if (cmd == "CHATHISTORY") {
    // Drop the oldest request of the named target so later answers line up.
    for (std::size_t i = 2; i + 1 < m.params.size(); ++i) {
      auto q = history_requests.find(irc::Fold(m.params[i]));
      if (q == history_requests.end() || q->second.empty()) continue;
      q->second.pop_front();
      if (Conversation* c = FindConv(m.params[i])) c->history_loaded = true;
      break;
    }
    return;
  }
  if (cmd == "ROSTER") {
    // Not a registered channel (or no roster for us): NAMES still works.
    for (std::size_t i = 2; i + 1 < m.params.size(); ++i) {
      if (irc::IsChannelName(m.params[i]) && FindConv(m.params[i]) != nullptr) {
        SendCmd("NAMES", {m.params[i]});
        break;
      }
    }
    return;
  }
  if (cmd == "CHANNEL") {
    return Report(code == "INVALID_TARGET" ? Problem::kNoSuchTarget : Problem::kNotPermitted, context, desc);
  }
  Report(Problem::kServerError, context, desc);
}

void Core::Impl::HandleNames(const irc::Message& m) {
  // 353 <me> <symbol> <#channel> :[prefixes]nick ...
  if (m.params.size() < 4) return;
  Conversation* c = FindConv(m.params[2]);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel) return;
  ConvExtra& x = Extra(*c);
  if (!x.names_open) {
    x.names.clear();
    x.names_open = true;
  }
  for (std::string_view tok : Tokens(m.params[3])) {
    Member n;
    while (!tok.empty() && std::string_view("~&@%+").find(tok[0]) != std::string_view::npos) {
      if (tok[0] == '+') n.voice = true; else n.op = true;
      tok.remove_prefix(1);
    }
    n.nick = std::string(tok.substr(0, tok.find('!')));  // userhost-in-names
    if (!n.nick.empty() && x.names.size() < kMaxMembers) x.names.push_back(std::move(n));
  }
}

void Core::Impl::HandleNamesEnd(const irc::Message& m) {
  // 366 <me> <#channel> :End of /NAMES list
  if (m.params.size() < 2) return;
  Conversation* c = FindConv(m.params[1]);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel) return;
  ConvExtra& x = Extra(*c);
  std::vector<Member> result = std::move(x.names);
  x.names.clear();
  x.names_open = false;
  for (Member& n : result) {
    if (Member* old = FindMember(c, n.nick)) {
      n.account = old->account;
      n.state = old->state == Member::State::kAway ? Member::State::kAway : Member::State::kOnline;
    }
  }
  if (c->registered) {
    // Keep roster members who are not present.
    for (const Member& old : c->members) {
      if (old.account.empty()) continue;
      const bool present = std::any_of(result.begin(), result.end(), [&](const Member& n) {
        return irc::EqualFold(n.account, old.account) || (!old.nick.empty() && irc::EqualFold(n.nick, old.nick));
      });
      if (!present) {
        Member off = old;
        off.nick.clear();
        off.state = Member::State::kOffline;
        off.op = off.voice = false;
        result.push_back(std::move(off));
      }
    }
  }
  c->members = std::move(result);
  SortMembers(c);
  host->OnMembersChanged(c->key);
}

void Core::Impl::HandleList(const irc::Message& m) {
  // 322 <me> <#channel> <users> :[+modes] topic   (chatd puts the modes first)
  if (m.params.size() < 3 || list.size() >= kMaxListEntries) return;
  ChannelListEntry e;
  e.name = m.params[1];
  e.users = static_cast<int>(std::strtol(m.params[2].c_str(), nullptr, 10));
  e.topic = m.params.size() >= 4 ? m.params[3] : "";
  // Only a mode prefix ("[+nt] ", "[] ") is chatd's: a topic of its own
  // may start with '[' too ("[WIP] ...").
  if (e.topic.rfind("[+", 0) == 0 || e.topic.rfind("[]", 0) == 0) {
    const std::size_t close = e.topic.find("] ");
    if (close != std::string::npos) {
      e.topic.erase(0, close + 2);
    } else if (e.topic.back() == ']') {
      e.topic.clear();  // modes only, no topic
    }
  }
  list.push_back(std::move(e));
}

void Core::Impl::HandleNumeric(const irc::Message& m, const std::string& label) {
  const int code = std::atoi(m.command.c_str());
  const std::string subject = m.params.size() >= 3 ? m.params[1] : "";
  const std::string text = m.params.empty() ? "" : m.params.back();
  const bool registering = state == ConnState::kRegistering;
  if (HandleWhoisReply(code, m)) return;
  switch (code) {
    case irc::RPL_AWAY:
      // 301 <me> <nick> :<away message>, after we messaged someone away.
      if (m.params.size() >= 3) {
        if (Conversation* c = FindConv(m.params[1])) {
          if (Extra(*c).away_shown != text) {  // once per away message, not per line sent
            Extra(*c).away_shown = text;
            AddInfo(c->key, m.params[1] + " is away: " + text);
          }
        }
        SetAwayMessage(m.params[1], text);
      }
      return;
    case irc::RPL_WELCOME:
      if (registering) OnWelcome(m);
      return;
    case irc::RPL_ISUPPORT:
      for (std::size_t i = 1; i + 1 < m.params.size(); ++i) {
        if (m.params[i].rfind("CHATHISTORY=", 0) == 0) {
          const long n = std::strtol(m.params[i].c_str() + 12, nullptr, 10);
          if (n > 0) history_limit = static_cast<int>(std::min<long>(n, kCatchUpPage));
        }
        for (const char* name : {"soju.im/FILEHOST=", "draft/FILEHOST="}) {
          const std::size_t n = std::strlen(name);
          if (m.params[i].compare(0, n, name) == 0 && (filehost.empty() || name[0] == 's')) {
            filehost = m.params[i].substr(n);
          }
        }
      }
      return;
    case irc::RPL_LISTSTART: list.clear(); return;
    case irc::RPL_LIST: return HandleList(m);
    case irc::RPL_LISTEND: {
      std::vector<ChannelListEntry> done = std::move(list);
      list.clear();
      host->OnChannelList(done);
      return;
    }
    case irc::RPL_CHANNELMODEIS:
      if (m.params.size() >= 3) {
        if (Conversation* c = FindConv(m.params[1])) ApplyModes(c, m.params, 2, "");
      }
      return;
    case irc::RPL_TOPIC:
    case irc::RPL_NOTOPIC:
      // 332 <me> <#channel> :<topic>; 331 <me> <#channel> :No topic is set
      if (m.params.size() >= 3) {
        Conversation* c = FindConv(m.params[1]);
        if (c != nullptr && c->kind == Conversation::Kind::kChannel) {
          c->topic = code == irc::RPL_TOPIC ? m.params[2] : "";
          host->OnConversationsChanged();
        }
      }
      return;
    case irc::RPL_NAMREPLY: return HandleNames(m);
    case irc::RPL_ENDOFNAMES: return HandleNamesEnd(m);
    case irc::RPL_LOGGEDIN:
      if (m.params.size() >= 4) account = m.params[2];
      return;
    case irc::RPL_LOGGEDOUT: account.clear(); return;
    case irc::RPL_SASLSUCCESS:
      sasl_mech.clear();
      if (registering) EndCap();
      return;
    case irc::RPL_SASLMECHS:
      if (m.params.size() >= 3) {
        server_mechs.clear();
        std::string_view v = m.params[1];
        while (!v.empty()) {
          const std::size_t comma = v.find(',');
          server_mechs.insert(std::string(v.substr(0, comma)));
          v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
        }
      }
      return;
    case irc::ERR_SASLALREADY:
      if (registering) EndCap();
      return;
    case irc::ERR_NICKLOCKED:
    case irc::ERR_SASLFAIL:
    case irc::ERR_SASLTOOLONG:
    case irc::ERR_SASLABORTED:
      if (!registering || sasl_mech.empty()) return;
      if (sasl_mech == "SCRAM-SHA-256" && !tried_plain && !server_mechs.empty() &&
          !server_mechs.count("SCRAM-SHA-256") && server_mechs.count("PLAIN")) {
        return StartSasl();  // the server told us (908) it only has PLAIN
      }
      return Fatal(Problem::kWrongPassword, opts.nick,
                   "Login failed: wrong account name or password (or too many attempts: wait a while).");
    case irc::ERR_PASSWDMISMATCH:
      return Fatal(Problem::kServerError, "", "The server requires a connection password; this client has none.");
    case irc::ERR_YOUREBANNEDCREEP:
      return Fatal(Problem::kServerError, "", text.empty() ? "You are banned from this server." : text);
    case irc::ERR_ERRONEUSNICKNAME:
      if (registering) {
        return Fatal(Problem::kNickInUse, subject, "\"" + subject + "\" is not a valid nickname. Choose another one.");
      }
      return Report(Problem::kNickInUse, subject, "\"" + subject + "\" is not a valid nickname.");
    case irc::ERR_NICKNAMEINUSE:
      if (registering) return TryNextNick(subject);
      return Report(Problem::kNickInUse, subject, "The nickname " + subject + " is in use.");
    case irc::ERR_NOSUCHNICK:
    case irc::ERR_NOSUCHCHANNEL:
      MarkFailed(label, text);
      return Report(Problem::kNoSuchTarget, subject, subject + ": no such nick or channel.");
    case irc::ERR_CANNOTSENDTOCHAN:
      MarkFailed(label, text);
      return Report(Problem::kCannotSend, subject, "Cannot send to " + subject + ": " + text);
    case irc::ERR_CHANNELISFULL:
      return Report(Problem::kChannelFull, subject, subject + " is full.");
    case irc::ERR_INVITEONLYCHAN:
      return Report(Problem::kInviteOnly, subject, subject + " is invite-only: ask a member to invite you.");
    case irc::ERR_BANNEDFROMCHAN:
      return Report(Problem::kBanned, subject, "You are banned from " + subject + ".");
    case irc::ERR_BADCHANNELKEY:
      return Report(Problem::kBadChannelKey, subject, subject + " needs the right key.");
    case irc::ERR_NOPRIVILEGES:
    case irc::ERR_CHANOPRIVSNEEDED:
      return Report(Problem::kNotPermitted, subject, text);
    // Harmless in the flows this core drives.
    case irc::ERR_UNKNOWNCOMMAND:
    case irc::ERR_NOMOTD:
    case irc::ERR_NOTONCHANNEL:
    case irc::ERR_USERONCHANNEL:
    case irc::ERR_NOTEXTTOSEND:
    case irc::ERR_NEEDMOREPARAMS:
    case irc::ERR_ALREADYREGISTERED:
      return;
    default:
      if (code >= 400 && code < 600) {
        MarkFailed(label, text);
        Report(Problem::kServerError, subject, text);
      }
      return;
  }
}

}  // namespace chat::client
