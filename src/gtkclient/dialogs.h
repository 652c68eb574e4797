// chatgtk dialogs of the main window: create channel, browse channels, new
// direct message, create group, away message and delete confirmation. Each
// is a small modal window transient for `parent` that deletes itself when
// closed and reports the user's choice through a callback (never called on
// Cancel).
#ifndef CHAT_GTKCLIENT_DIALOGS_H_
#define CHAT_GTKCLIENT_DIALOGS_H_

#include <gtkmm.h>

#include <functional>
#include <string>
#include <vector>

#include "libchat/client_core.h"

namespace chatgtk {

// Normalizes what the user typed as a channel name: trims spaces and adds
// "#" when missing. Returns "" when it cannot be a channel name (empty,
// contains a space, comma or control character, or is longer than 50 bytes).
std::string NormalizeChannelName(const std::string& typed);

// Name + Private/Public switch. `done(name, is_private)`.
void ShowCreateChannelDialog(Gtk::Window& parent,
                             std::function<void(std::string, bool)> done);

// The LIST result in a searchable list with a Join button per channel.
class BrowseChannelsDialog : public Gtk::Window {
 public:
  // `join(name)` is called for each Join click; the dialog stays open.
  BrowseChannelsDialog(Gtk::Window& parent, std::function<void(std::string)> join);
  // Shows `entries` (replacing "Loading…"), sorted by user count.
  void SetEntries(const std::vector<chat::client::ChannelListEntry>& entries);
  // Channels we are in (casefolded names): their buttons read "Joined".
  void SetJoined(const std::vector<std::string>& joined_names);

 private:
  void Rebuild();

  std::function<void(std::string)> join_;
  Gtk::HeaderBar header_;
  Gtk::Box content_;
  Gtk::SearchEntry search_;
  Gtk::ScrolledWindow scroller_;
  Gtk::ListBox list_;
  Gtk::Label status_;
  std::vector<chat::client::ChannelListEntry> entries_;
  std::vector<std::string> joined_;
  bool loaded_ = false;
};

// Opens a BrowseChannelsDialog (owned by itself; deleted on close).
BrowseChannelsDialog* ShowBrowseChannelsDialog(Gtk::Window& parent,
                                               std::function<void(std::string)> join);

// A nick to message; up to 8 `known` nicks are listed as a hint. `done(nick)`.
void ShowDirectMessageDialog(Gtk::Window& parent, const std::vector<std::string>& known,
                             std::function<void(std::string)> done);

// Group name + members (check list of `known` nicks plus a free-form entry
// "alice, bob"). `done(channel, members)`.
void ShowCreateGroupDialog(Gtk::Window& parent, const std::vector<std::string>& known,
                           std::function<void(std::string, std::vector<std::string>)> done);

// Away message (may be empty: "Away" is used). `done(message)`.
void ShowAwayDialog(Gtk::Window& parent, std::function<void(std::string)> done);

// "Delete #name?" with a destructive Delete button. `done()`.
void ShowConfirmDeleteDialog(Gtk::Window& parent, const std::string& name,
                             std::function<void()> done);

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_DIALOGS_H_
