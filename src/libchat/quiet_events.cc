// Collapsing runs of joins, parts, quits and nick changes into one summary.
#include "libchat/quiet_events.h"

#include <vector>

#include "libchat/casemap.h"

namespace chat::client {
namespace {

// One verb of the summary and the nicks it applies to, in order of first
// appearance, each once (casefolded comparison, RFC 2812 §2.2).
struct Group {
  const char* verb;
  std::vector<std::string> nicks;

  void Add(const std::string& nick) {
    for (const std::string& n : nicks)
      if (irc::EqualFold(n, nick)) return;
    nicks.push_back(nick);
  }

  std::string Text() const {
    std::string out;
    const std::size_t shown = nicks.size() > 4 ? 3 : nicks.size();
    for (std::size_t i = 0; i < shown; ++i) {
      if (i > 0) out += (i + 1 == shown && shown == nicks.size()) ? " and " : ", ";
      out += nicks[i];
    }
    if (shown < nicks.size()) out += " and " + std::to_string(nicks.size() - shown) + " others";
    return out + " " + verb;
  }
};

}  // namespace

bool IsQuietEvent(const ChatLine& line) {
  return line.kind == ChatLine::Kind::kJoin || line.kind == ChatLine::Kind::kPart ||
         line.kind == ChatLine::Kind::kQuit || line.kind == ChatLine::Kind::kNick;
}

QuietRun DescribeQuietRun(const std::deque<ChatLine>& lines, std::size_t i) {
  QuietRun run;
  if (i >= lines.size() || !IsQuietEvent(lines[i])) return run;
  run.hidden = i + 1 < lines.size() && IsQuietEvent(lines[i + 1]);
  std::size_t first = i;
  while (first > 0 && i - first + 1 < kMaxQuietRun && IsQuietEvent(lines[first - 1])) --first;
  run.count = i - first + 1;
  if (run.count < 2) return run;
  const bool truncated = first > 0 && IsQuietEvent(lines[first - 1]);

  Group joined{"joined", {}}, left{"left", {}}, quit{"went offline", {}};
  std::vector<std::string> renames;  // "dave is now dave2"
  for (std::size_t k = first; k <= i; ++k) {
    const ChatLine& l = lines[k];
    switch (l.kind) {
      case ChatLine::Kind::kJoin: joined.Add(l.from); break;
      case ChatLine::Kind::kPart: left.Add(l.from); break;
      case ChatLine::Kind::kQuit: quit.Add(l.from); break;
      default: renames.push_back(l.from + " is now " + l.text); break;
    }
  }
  std::vector<std::string> parts;
  for (const Group* g : {&joined, &left, &quit})
    if (!g->nicks.empty()) parts.push_back(g->Text());
  if (renames.size() > 3) {
    parts.push_back(std::to_string(renames.size()) + " nick changes");
  } else {
    parts.insert(parts.end(), renames.begin(), renames.end());
  }
  for (const std::string& p : parts) {
    if (!run.summary.empty()) run.summary += "; ";
    run.summary += p;
  }
  if (truncated) run.summary += "; and earlier changes";
  return run;
}

}  // namespace chat::client
