// The Preferences window: libadwaita rows wired to Preferences.
#include "gtkclient/preferences_window.h"

#include <adwaita.h>

#include <functional>


namespace chatgtk {
namespace {

using chat::client::NotifyLevel;

// Runs `fn` whenever `object`'s property `property` changes; `fn` lives as
// long as the signal connection (the object).
void OnNotify(gpointer object, const char* property, std::function<void()> fn) {
  auto* data = new std::function<void()>(std::move(fn));
  g_signal_connect_data(
      object, (std::string("notify::") + property).c_str(),
      G_CALLBACK(+[](GObject*, GParamSpec*, gpointer d) noexcept {
        try {
          (*static_cast<std::function<void()>*>(d))();
        } catch (...) {
          g_warning("preferences: a handler failed");
        }
      }),
      data, [](gpointer d, GClosure*) { delete static_cast<std::function<void()>*>(d); },
      G_CONNECT_DEFAULT);
}

// An AdwComboRow titled `title` offering `choices`, with `selected` chosen;
// `changed` gets the new index.
GtkWidget* ComboRow(const char* title, std::vector<const char*> choices, guint selected,
                    std::function<void(guint)> changed) {
  choices.push_back(nullptr);
  GtkStringList* model = gtk_string_list_new(choices.data());
  GtkWidget* row = adw_combo_row_new();
  adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
  adw_combo_row_set_model(ADW_COMBO_ROW(row), G_LIST_MODEL(model));
  g_object_unref(model);
  adw_combo_row_set_selected(ADW_COMBO_ROW(row), selected);
  OnNotify(row, "selected", [row, changed] { changed(adw_combo_row_get_selected(ADW_COMBO_ROW(row))); });
  return row;
}

}  // namespace

void ShowPreferencesWindow(Gtk::Window& parent, Preferences& prefs, const std::string& server,
                           const std::vector<std::pair<std::string, std::string>>& conversations) {
  GtkWidget* window = adw_preferences_window_new();
  gtk_window_set_transient_for(GTK_WINDOW(window), parent.gobj());
  gtk_window_set_destroy_with_parent(GTK_WINDOW(window), TRUE);
  gtk_window_set_title(GTK_WINDOW(window), "Preferences");
  gtk_window_set_default_size(GTK_WINDOW(window), 520, 560);
  gtk_widget_set_name(window, "preferences_window");
  // The search would only find these few rows.
  adw_preferences_window_set_search_enabled(ADW_PREFERENCES_WINDOW(window), FALSE);

  AdwPreferencesPage* page = ADW_PREFERENCES_PAGE(adw_preferences_page_new());
  adw_preferences_page_set_title(page, "General");
  adw_preferences_page_set_icon_name(page, "preferences-system-symbolic");

  GtkWidget* notifications = adw_preferences_group_new();
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(notifications), "Notifications");
  adw_preferences_group_set_description(ADW_PREFERENCES_GROUP(notifications),
                                        "Desktop notifications for messages that arrive while you look elsewhere");
  const NotifyLevel levels[] = {NotifyLevel::kAll, NotifyLevel::kMentions, NotifyLevel::kNone};
  guint level_index = 1;
  for (guint i = 0; i < 3; ++i)
    if (levels[i] == prefs.notify_level()) level_index = i;
  GtkWidget* level_row = ComboRow("Notify about", {"All messages", "Mentions and direct messages", "Nothing"},
                                  level_index, [&prefs, levels](guint i) {
                                    if (i < 3) prefs.SetNotifyLevel(levels[i]);
                                  });
  gtk_widget_set_name(level_row, "notify_row");
  adw_preferences_group_add(ADW_PREFERENCES_GROUP(notifications), level_row);
  adw_preferences_page_add(page, ADW_PREFERENCES_GROUP(notifications));

  GtkWidget* appearance = adw_preferences_group_new();
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(appearance), "Appearance");
  GtkWidget* theme_row = ComboRow("Style", {"Follow system", "Light", "Dark"},
                                  static_cast<guint>(prefs.theme()), [&prefs](guint i) {
                                    if (i < 3) prefs.SetTheme(static_cast<Settings::Theme>(i));
                                  });
  gtk_widget_set_name(theme_row, "theme_row");
  adw_preferences_group_add(ADW_PREFERENCES_GROUP(appearance), theme_row);
  adw_preferences_page_add(page, ADW_PREFERENCES_GROUP(appearance));

  GtkWidget* muted = adw_preferences_group_new();
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(muted), "Muted Conversations");
  adw_preferences_group_set_description(ADW_PREFERENCES_GROUP(muted),
                                        "A muted conversation never notifies and is not shown as unread");
  for (const auto& [key, name] : conversations) {
    GtkWidget* row = adw_action_row_new();
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), name.c_str());
    GtkWidget* toggle = gtk_switch_new();
    gtk_widget_set_valign(toggle, GTK_ALIGN_CENTER);
    gtk_switch_set_active(GTK_SWITCH(toggle), prefs.IsMuted(server, key));
    const std::string label = "Mute " + name;
    gtk_accessible_update_property(GTK_ACCESSIBLE(toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, label.c_str(), -1);
    OnNotify(toggle, "active", [&prefs, server, key = key, toggle] {
      prefs.SetMuted(server, key, gtk_switch_get_active(GTK_SWITCH(toggle)));
    });
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), toggle);
    adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), toggle);
    adw_preferences_group_add(ADW_PREFERENCES_GROUP(muted), row);
  }
  if (conversations.empty()) {
    GtkWidget* row = adw_action_row_new();
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), "No conversations yet");
    adw_preferences_group_add(ADW_PREFERENCES_GROUP(muted), row);
  }
  adw_preferences_page_add(page, ADW_PREFERENCES_GROUP(muted));

  adw_preferences_window_add(ADW_PREFERENCES_WINDOW(window), page);
  gtk_window_present(GTK_WINDOW(window));
}

}  // namespace chatgtk
