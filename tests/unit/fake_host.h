// FakeHost: a chat::client::Host that records what the core asks for (wire
// lines, connects, saved outboxes) and what it reports (states, problems,
// notifications), for client_core_test.cc. Labels are deterministic.
#ifndef CHAT_TESTS_UNIT_FAKE_HOST_H_
#define CHAT_TESTS_UNIT_FAKE_HOST_H_

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libchat/client_core.h"

namespace client_test {

class FakeHost : public chat::client::Host {
 public:
  struct ProblemRecord {
    chat::client::Problem problem;
    std::string subject, human;
  };

  std::vector<std::string> sent;  // wire lines without CR LF, oldest first
  int connects = 0, disconnects = 0, saves = 0, label_seq = 0;
  std::string saved;               // the last SaveOutbox data
  std::vector<chat::client::ConnState> states;
  std::vector<ProblemRecord> problems;
  std::vector<std::pair<std::string, chat::client::ChatLine>> notifies;
  std::vector<std::vector<chat::client::ChannelListEntry>> lists;
  int typing_changes = 0, member_changes = 0, line_changes = 0;

  void Connect() override { ++connects; }
  void SendLine(std::string_view line) override {
    if (line.size() >= 2 && line.substr(line.size() - 2) == "\r\n") line.remove_suffix(2);
    sent.emplace_back(line);
  }
  void Disconnect() override { ++disconnects; }
  void SaveOutbox(const std::string& data) override {
    ++saves;
    saved = data;
  }
  std::string NewLabel() override {
    char buf[32];
    std::snprintf(buf, sizeof buf, "L%015d", ++label_seq);
    return buf;
  }
  void OnStateChanged(chat::client::ConnState s) override { states.push_back(s); }
  void OnProblem(chat::client::Problem p, std::string_view subject, std::string_view human) override {
    problems.push_back({p, std::string(subject), std::string(human)});
  }
  void OnConversationsChanged() override {}
  void OnLinesChanged(std::string_view) override { ++line_changes; }
  void OnMembersChanged(std::string_view) override { ++member_changes; }
  void OnTypingChanged(std::string_view) override { ++typing_changes; }
  void OnChannelList(const std::vector<chat::client::ChannelListEntry>& entries) override {
    lists.push_back(entries);
  }
  std::vector<std::string> file_tokens;  // OnFileToken: "<token> <expires>" or "error: <text>"
  void OnFileToken(std::string_view token, int64_t expires_s, std::string_view error) override {
    file_tokens.push_back(token.empty() ? "error: " + std::string(error)
                                        : std::string(token) + " " + std::to_string(expires_s));
  }
  void OnNotify(std::string_view key, const chat::client::ChatLine& line) override {
    notifies.emplace_back(std::string(key), line);
  }

  // Returns and forgets the lines sent so far.
  std::vector<std::string> Take() { return std::exchange(sent, {}); }
  // True when some sent line starts with `prefix`.
  bool Sent(std::string_view prefix) const {
    for (const auto& l : sent) {
      if (l.compare(0, prefix.size(), prefix) == 0) return true;
    }
    return false;
  }
  // How many sent lines start with `prefix`.
  int Count(std::string_view prefix) const {
    int n = 0;
    for (const auto& l : sent) n += l.compare(0, prefix.size(), prefix) == 0;
    return n;
  }
  bool HasProblem(chat::client::Problem p) const {
    for (const auto& r : problems) {
      if (r.problem == p) return true;
    }
    return false;
  }
};

}  // namespace client_test

#endif  // CHAT_TESTS_UNIT_FAKE_HOST_H_
