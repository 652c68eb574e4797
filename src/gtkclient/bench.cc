// chat-gtk --bench: see bench.h.
#include "gtkclient/bench.h"

#include <glib/gstdio.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <ctime>
#include <memory>
#include <string>

#include "gtkclient/main_window.h"
#include "gtkclient/session.h"
#include "libchat/client_time.h"

namespace chatgtk {

namespace {

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double WallMs() { return static_cast<double>(g_get_monotonic_time()) / 1e3; }

// Runs the default main context for `ms` milliseconds.
void RunFor(int ms) {
  auto loop = Glib::MainLoop::create();
  auto stop = Glib::signal_timeout().connect([loop] { loop->quit(); return false; }, ms);
  loop->run();
  stop.disconnect();
}

// Dispatches until nothing is ready (idles included), for at most 10 s
// (an idle that keeps coming back must not hang the bench).
void Drain() {
  gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
  while (g_main_context_pending(nullptr) && g_get_monotonic_time() < deadline)
    g_main_context_iteration(nullptr, FALSE);
}

std::string Tagged(int64_t time_ms, const std::string& msgid, const std::string& rest) {
  return "@time=" + chat::client::FormatServerTime(time_ms) + ";msgid=" + msgid + " " + rest + "\r\n";
}

}  // namespace

int RunBench(Gtk::Application& app, const BenchOptions& o) {
  std::string dir = Glib::build_filename(Glib::get_tmp_dir(), "chat-gtk-bench-XXXXXX");
  std::vector<char> tmpl(dir.begin(), dir.end());
  tmpl.push_back('\0');
  if (!g_mkdtemp(tmpl.data())) {
    g_printerr("chat-gtk: --bench: cannot create a temporary directory\n");
    return 1;
  }
  dir = tmpl.data();
  std::unique_ptr<Session> session = Session::CreateLoopback(dir);
  chat::client::LoginOptions login;
  login.nick = "bench";
  session->Start(login);
  // The loopback connects from an idle callback.
  for (int i = 0; i < 500 && session->core().state() != chat::client::ConnState::kRegistering; ++i)
    RunFor(10);
  session->Feed(":srv CAP * LS :message-tags server-time\r\n");
  session->Feed(":srv CAP * ACK :message-tags server-time\r\n");
  session->Feed(":srv 001 bench :Welcome\r\n");
  session->Feed(":bench!u@h JOIN #bench\r\n");
  std::string names;
  for (int i = 0; i < o.members; ++i) {
    names += (i ? " " : "") + std::string(i % 10 == 0 ? "@" : "") + "member" + std::to_string(i);
    if (names.size() > 400 || i + 1 == o.members) {
      session->Feed(":srv 353 bench = #bench :" + names + "\r\n");
      names.clear();
    }
  }
  session->Feed(":srv 366 bench #bench :End of /NAMES list\r\n");

  Settings settings;  // defaults, never saved
  Preferences prefs(settings, nullptr);
  std::unique_ptr<MainWindow> window(MainWindow::Create(*session, prefs));
  app.add_window(*window);
  window->set_default_size(1000, 700);
  window->present();
  window->activate_action("win.show-members");  // the member list shown too
  RunFor(500);

  // The conversation: `lines` messages over the last three days, a link now
  // and then, several lines per sender in a row (grouping).
  int64_t now = g_get_real_time() / 1000;
  int64_t start = now - 3LL * 86400 * 1000;
  int64_t step = o.lines > 0 ? (now - 60000 - start) / o.lines : 0;
  double load_start = WallMs();
  std::string chunk;
  for (int i = 0; i < o.lines; ++i) {
    std::string from = "member" + std::to_string((i / 3) % o.members);
    std::string text = "line " + std::to_string(i) + " of the long conversation";
    if (i % 7 == 0) text += ", see https://example.org/page/" + std::to_string(i);
    chunk += Tagged(start + step * i, "load" + std::to_string(i),
                    ":" + from + "!u@h PRIVMSG #bench :" + text);
    if (chunk.size() > 64 * 1024) {
      session->Feed(chunk);
      chunk.clear();
    }
  }
  session->Feed(chunk);
  Drain();
  double load_ms = WallMs() - load_start;
  RunFor(2000);  // let the first layout and drawing of the loaded list settle
  const chat::client::Conversation* conv = session->core().Find("#bench");
  std::size_t loaded = conv ? conv->lines.size() : 0;
  std::printf("chat-gtk bench: %d members, %zu lines loaded in %.0f ms (wall), %d events per kind, %d ms apart\n",
              o.members, loaded, load_ms, o.events, o.period_ms);

  struct Phase {
    double cpu;       // main-thread CPU over the whole phase, ms
    double dispatch;  // of which feeding the event and draining the refresh it queued, ms
    double worst;     // longest feed+drain, wall ms
  };
  // One phase: `events` events, each followed by period_ms of main loop.
  auto phase = [&](const std::function<void(int)>& feed) {
    double worst = 0, dispatch = 0;
    double cpu0 = ThreadCpuMs();
    for (int i = 0; i < o.events; ++i) {
      double t0 = WallMs(), c0 = ThreadCpuMs();
      if (feed) feed(i);
      Drain();  // the event and the refresh it schedules
      worst = std::max(worst, WallMs() - t0);
      dispatch += ThreadCpuMs() - c0;
      RunFor(o.period_ms);
    }
    Drain();
    double cpu = ThreadCpuMs() - cpu0;
    return Phase{cpu, dispatch, worst};
  };
  // The idle baseline: measured before and after the events, the lower one.
  Phase idle = phase(nullptr);
  auto report = [&](const char* name, const Phase& r) {
    std::size_t lines = conv ? conv->lines.size() : 0;
    std::printf("%-8s %6zu lines: %8.2f ms main-thread CPU per event (idle-corrected), "
                "of which %6.2f ms until the refresh, worst %6.2f ms wall\n",
                name, lines, (r.cpu - idle.cpu) / o.events, (r.dispatch - idle.dispatch) / o.events,
                r.worst);
    std::fflush(stdout);
  };
  std::vector<std::pair<const char*, Phase>> results;
  results.emplace_back("message", phase([&](int i) {
    session->Feed(Tagged(g_get_real_time() / 1000, "live" + std::to_string(i),
                         ":member" + std::to_string(i % o.members) +
                             "!u@h PRIVMSG #bench :a new message number " + std::to_string(i)));
  }));
  results.emplace_back("join", phase([&](int i) {
    session->Feed(Tagged(g_get_real_time() / 1000, "join" + std::to_string(i),
                         ":joiner" + std::to_string(i) + "!u@h JOIN #bench"));
  }));
  results.emplace_back("quit", phase([&](int i) {
    session->Feed(Tagged(g_get_real_time() / 1000, "quit" + std::to_string(i),
                         ":joiner" + std::to_string(i) + "!u@h QUIT :Client quit"));
  }));
  const Phase idle_after = phase(nullptr);
  if (idle_after.cpu < idle.cpu) idle = idle_after;
  for (const auto& [name, r] : results) report(name, r);
  window->set_visible(false);
  window.reset();
  session.reset();
  RunFor(50);
  for (const char* f : {"outbox-localhost-6697-bench"}) g_remove(Glib::build_filename(dir, f).c_str());
  g_rmdir(dir.c_str());
  return 0;
}

}  // namespace chatgtk
