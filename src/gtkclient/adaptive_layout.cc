// AdaptiveLayout: folding the sidebar and member panel by window width.
#include "gtkclient/adaptive_layout.h"

#include <adwaita.h>

#include <functional>
#include <string>

namespace chatgtk {

// A bin that tells its allocated width (GTK 4 has no size-allocate signal).
class AdaptiveLayout::WidthBin : public Gtk::Widget {
 public:
  explicit WidthBin(std::function<void(int)> on_width)
      : Glib::ObjectBase("ChatWidthBin"), on_width_(std::move(on_width)) {}
  ~WidthBin() override {
    if (child_) child_->unparent();
  }
  void SetChild(Gtk::Widget& child) {
    child_ = &child;
    child.set_parent(*this);
  }
  void ClearCallback() { on_width_ = nullptr; }

 protected:
  Gtk::SizeRequestMode get_request_mode_vfunc() const override {
    return child_ ? child_->get_request_mode() : Gtk::SizeRequestMode::CONSTANT_SIZE;
  }
  void measure_vfunc(Gtk::Orientation orientation, int for_size, int& minimum, int& natural,
                     int& minimum_baseline, int& natural_baseline) const override {
    minimum = natural = 0;
    minimum_baseline = natural_baseline = -1;
    if (child_) child_->measure(orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
  }
  void size_allocate_vfunc(int width, int height, int baseline) override {
    if (child_) child_->size_allocate(Gtk::Allocation(0, 0, width, height), baseline);
    if (on_width_) on_width_(width);
  }

 private:
  Gtk::Widget* child_ = nullptr;
  std::function<void(int)> on_width_;
};

namespace {

// Finds the descendant of `root` named `name` (Gtk::Widget::set_name).
Gtk::Widget* FindNamed(Gtk::Widget& root, const std::string& name) {
  if (root.get_name() == name) return &root;
  for (Gtk::Widget* c = root.get_first_child(); c; c = c->get_next_sibling())
    if (Gtk::Widget* found = FindNamed(*c, name)) return found;
  return nullptr;
}

}  // namespace

AdaptiveLayout::AdaptiveLayout(Gtk::Window& window, const Glib::RefPtr<Gtk::Builder>& builder,
                               Sidebar& sidebar)
    : window_(window) {
  sidebar_flap_ = GTK_WIDGET(builder->get_object("sidebar_flap")->gobj());
  members_flap_ = GTK_WIDGET(builder->get_object("members_flap")->gobj());
  sidebar_toggle_ = builder->get_widget<Gtk::ToggleButton>("sidebar_toggle");
  status_label_ = builder->get_widget<Gtk::Label>("status_label");

  // The header button opens and closes the folded sidebar.
  g_object_bind_property(sidebar_flap_, "reveal-flap", sidebar_toggle_->gobj(), "active",
                         static_cast<GBindingFlags>(G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE));
  sidebar.signal_selected.connect([this](std::string) {
    if (adw_flap_get_folded(ADW_FLAP(sidebar_flap_))) adw_flap_set_reveal_flap(ADW_FLAP(sidebar_flap_), FALSE);
  });
  members_handler_ = g_signal_connect(
      members_flap_, "notify::reveal-flap", G_CALLBACK(+[](GObject* flap, GParamSpec*, gpointer self) noexcept {
        try {
          static_cast<AdaptiveLayout*>(self)->signal_members_shown.emit(adw_flap_get_reveal_flap(ADW_FLAP(flap)));
        } catch (...) {
          g_warning("layout: a members-shown handler failed");
        }
      }),
      this);

  auto keys = Gtk::ShortcutController::create();
  keys->set_scope(Gtk::ShortcutScope::MANAGED);
  keys->add_shortcut(Gtk::Shortcut::create(Gtk::KeyvalTrigger::create(GDK_KEY_F9),
                                           Gtk::CallbackAction::create([this](Gtk::Widget&, const Glib::VariantBase&) {
                                             ToggleSidebar();
                                             return true;
                                           })));
  window_.add_controller(keys);

  // Put the width-reporting bin between the window and its content.
  Gtk::Widget* content = window_.get_child();
  bin_ = Gtk::make_managed<WidthBin>([this](int width) { OnWidth(width); });
  if (content) {
    g_object_ref(content->gobj());
    window_.unset_child();
    bin_->SetChild(*content);
    g_object_unref(content->gobj());
  }
  window_.set_child(*bin_);
}

AdaptiveLayout::~AdaptiveLayout() {
  apply_idle_.disconnect();
  log_idle_.disconnect();
  if (bin_) bin_->ClearCallback();
  if (members_handler_) g_signal_handler_disconnect(members_flap_, members_handler_);
}

void AdaptiveLayout::SetMembersShown(bool shown) { adw_flap_set_reveal_flap(ADW_FLAP(members_flap_), shown); }

bool AdaptiveLayout::MembersShown() const { return adw_flap_get_reveal_flap(ADW_FLAP(members_flap_)); }

void AdaptiveLayout::ToggleSidebar() {
  if (!adw_flap_get_folded(ADW_FLAP(sidebar_flap_))) return;  // always shown when there is room
  adw_flap_set_reveal_flap(ADW_FLAP(sidebar_flap_), !adw_flap_get_reveal_flap(ADW_FLAP(sidebar_flap_)));
}

void AdaptiveLayout::OnWidth(int width) {
  if (width == width_) return;
  width_ = width;
  // Changing the layout inside a size allocation would re-enter it: next
  // iteration, before the next frame is drawn.
  if (!apply_idle_.connected())
    apply_idle_ = Glib::signal_idle().connect(
        [this] {
          Apply();
          return false;
        },
        Glib::PRIORITY_HIGH_IDLE);
  log_idle_.disconnect();
  log_idle_ = Glib::signal_timeout().connect(
      [this] {
        LogLayout();
        return false;
      },
      400);
}

void AdaptiveLayout::Apply() {
  const int w = width_;
  if (w == applied_width_) return;
  applied_width_ = w;
  const bool fold_sidebar = w < kSidebarFoldWidth;
  const bool fold_members = w < kMembersFoldWidth;
  const bool members_were_folded = adw_flap_get_folded(ADW_FLAP(members_flap_));
  adw_flap_set_fold_policy(ADW_FLAP(sidebar_flap_),
                           fold_sidebar ? ADW_FLAP_FOLD_POLICY_ALWAYS : ADW_FLAP_FOLD_POLICY_NEVER);
  adw_flap_set_fold_policy(ADW_FLAP(members_flap_),
                           fold_members ? ADW_FLAP_FOLD_POLICY_ALWAYS : ADW_FLAP_FOLD_POLICY_NEVER);
  // The member panel is locked (it stays as the user left it), except that
  // a panel open beside the messages does not jump over them on shrinking.
  if (fold_members && !members_were_folded) SetMembersShown(false);
  sidebar_toggle_->set_visible(fold_sidebar);
  status_label_->set_visible(w >= kCompactHeaderWidth);
}

void AdaptiveLayout::LogLayout() {
  std::string text = "layout: width=" + std::to_string(window_.get_width()) +
                     " height=" + std::to_string(window_.get_height()) +
                     " folded=" + std::to_string(adw_flap_get_folded(ADW_FLAP(sidebar_flap_))) + "," +
                     std::to_string(adw_flap_get_folded(ADW_FLAP(members_flap_)));
  for (const char* name : {"send_button", "composer", "banner_label", "reconnect_button", "header_bar",
                           "message_list"}) {
    Gtk::Widget* w = FindNamed(window_, name);
    graphene_rect_t r;
    if (!w || !w->is_drawable() || !gtk_widget_compute_bounds(w->gobj(), GTK_WIDGET(window_.gobj()), &r)) continue;
    text += " " + std::string(name) + "=" + std::to_string(static_cast<int>(r.origin.x)) + "," +
            std::to_string(static_cast<int>(r.origin.y)) + "," + std::to_string(static_cast<int>(r.size.width)) +
            "x" + std::to_string(static_cast<int>(r.size.height));
  }
  g_log("chat-gtk", G_LOG_LEVEL_DEBUG, "%s", text.c_str());
}

}  // namespace chatgtk
