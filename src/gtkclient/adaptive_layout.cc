// AdaptiveLayout: folding the sidebar and member panel by window width.
#include "gtkclient/adaptive_layout.h"

#include <adwaita.h>

#include <algorithm>
#include <functional>
#include <string>

namespace chatgtk {

// A bin that reports a fixed natural width (>= its child's minimum) and
// tells when its allocated size changes (GTK 4 has no size-allocate signal).
// With `rounding_fix`, its height without a width is never below its height
// for a very large width: GTK 4.8's wrapping GtkLabel can be 1 px off
// between the two, which GTK reports as a CRITICAL ("minimum height for
// width ... Expect overlapping widgets").
class AdaptiveLayout::WidthBin : public Gtk::Widget {
 public:
  // `natural_width` <= 0: the child's own natural width.
  WidthBin(int natural_width, std::function<void()> on_size, bool rounding_fix = false)
      : Glib::ObjectBase("ChatWidthBin"),
        natural_width_(natural_width),
        rounding_fix_(rounding_fix),
        on_size_(std::move(on_size)) {
    // GTK disposes a widget before gtkmm deletes it: let go of the child
    // then (GTK warns when a widget is finalized with children left).
    signal_destroy().connect([this] { Release(); });
  }
  ~WidthBin() override { Release(); }
  void SetChild(Gtk::Widget& child) {
    child_ = &child;
    child.set_parent(*this);
  }
  void ClearCallback() { on_size_ = nullptr; }
  void Release() {
    if (child_) child_->unparent();
    child_ = nullptr;
  }

 protected:
  Gtk::SizeRequestMode get_request_mode_vfunc() const override {
    return child_ ? child_->get_request_mode() : Gtk::SizeRequestMode::CONSTANT_SIZE;
  }
  void measure_vfunc(Gtk::Orientation orientation, int for_size, int& minimum, int& natural,
                     int& minimum_baseline, int& natural_baseline) const override {
    minimum = natural = 0;
    minimum_baseline = natural_baseline = -1;
    if (child_) child_->measure(orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
    if (orientation == Gtk::Orientation::HORIZONTAL && natural_width_ > 0)
      natural = std::max(minimum, natural_width_);
    if (child_ && rounding_fix_ && orientation == Gtk::Orientation::VERTICAL && for_size < 0) {
      int wide_min = 0, wide_nat = 0, b1 = -1, b2 = -1;
      child_->measure(orientation, 1 << 20, wide_min, wide_nat, b1, b2);
      minimum = std::max(minimum, wide_min);
      natural = std::max(natural, std::max(minimum, wide_nat));
    }
  }
  void size_allocate_vfunc(int width, int height, int baseline) override {
    if (child_) child_->size_allocate(Gtk::Allocation(0, 0, width, height), baseline);
    if ((width != width_ || height != height_) && on_size_) {
      width_ = width;
      height_ = height;
      on_size_();
    }
  }

 private:
  Gtk::Widget* child_ = nullptr;
  int natural_width_;
  bool rounding_fix_;
  std::function<void()> on_size_;
  int width_ = 0, height_ = 0;
};

namespace {

constexpr int kSidebarWidth = 250;  // sidebar_slot's width-request in main_window.ui
constexpr int kMembersWidth = 230;  // members_slot's

// Finds the descendant of `root` named `name` (Gtk::Widget::set_name).
Gtk::Widget* FindNamed(Gtk::Widget& root, const std::string& name) {
  if (root.get_name().raw() == name) return &root;
  for (Gtk::Widget* c = root.get_first_child(); c; c = c->get_next_sibling())
    if (Gtk::Widget* found = FindNamed(*c, name)) return found;
  return nullptr;
}

// Runs `fn` on `object`'s signal `signal` (no arguments used) until
// disconnected; `fn` must outlive the connection.
gulong Connect(GtkWidget* object, const char* signal, std::function<void()>* fn) {
  return g_signal_connect(object, signal, G_CALLBACK(+[](GObject*, GParamSpec*, gpointer data) noexcept {
                            try {
                              (*static_cast<std::function<void()>*>(data))();
                            } catch (...) {
                              g_warning("layout: a handler failed");
                            }
                          }),
                          fn);
}

}  // namespace

AdaptiveLayout::AdaptiveLayout(Gtk::Window& window, const Glib::RefPtr<Gtk::Builder>& builder,
                               Sidebar& sidebar)
    : window_(window) {
  sidebar_flap_ = GTK_WIDGET(builder->get_object("sidebar_flap")->gobj());
  members_flap_ = GTK_WIDGET(builder->get_object("members_flap")->gobj());
  sidebar_toggle_ = builder->get_widget<Gtk::ToggleButton>("sidebar_toggle");
  status_label_ = builder->get_widget<Gtk::Label>("status_label");
  header_bar_ = builder->get_widget<Gtk::HeaderBar>("header_bar");
  banner_ = builder->get_widget<Gtk::Box>("banner");
  banner_icon_ = builder->get_widget<Gtk::Widget>("banner_icon");

  // Each flap folds when it is narrower than its flap plus the natural width
  // of its content, which the bins fix: the sidebar below
  // kSidebarFoldWidth, the member panel below kMembersFoldWidth.
  auto wrap_content = [](GtkWidget* flap, int natural) {
    GtkWidget* content = adw_flap_get_content(ADW_FLAP(flap));
    auto* bin = Gtk::make_managed<WidthBin>(natural, nullptr);
    g_object_ref(content);
    adw_flap_set_content(ADW_FLAP(flap), GTK_WIDGET(bin->gobj()));
    bin->SetChild(*Glib::wrap(content));
    g_object_unref(content);
    adw_flap_set_fold_policy(ADW_FLAP(flap), ADW_FLAP_FOLD_POLICY_AUTO);
    adw_flap_set_fold_threshold_policy(ADW_FLAP(flap), ADW_FOLD_THRESHOLD_POLICY_NATURAL);
  };
  wrap_content(members_flap_, kMembersFoldWidth - kSidebarWidth - kMembersWidth);
  wrap_content(sidebar_flap_, kSidebarFoldWidth - kSidebarWidth);

  // The connection banner's text wraps in narrow windows (main_window.ui);
  // the bin keeps its measured heights consistent (see WidthBin).
  auto* revealer = builder->get_widget<Gtk::Revealer>("banner_revealer");
  if (Gtk::Widget* banner = revealer->get_child()) {
    auto* banner_bin = Gtk::make_managed<WidthBin>(0, nullptr, true);
    g_object_ref(banner->gobj());
    revealer->unset_child();
    banner_bin->SetChild(*banner);
    g_object_unref(banner->gobj());
    revealer->set_child(*banner_bin);
  }

  // The header button opens and closes the folded sidebar.
  g_object_bind_property(sidebar_flap_, "reveal-flap", sidebar_toggle_->gobj(), "active",
                         static_cast<GBindingFlags>(G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE));
  sidebar.signal_selected.connect([this](std::string) {
    if (adw_flap_get_folded(ADW_FLAP(sidebar_flap_))) adw_flap_set_reveal_flap(ADW_FLAP(sidebar_flap_), FALSE);
  });
  on_folded_ = [this] { OnFolded(); };
  on_members_ = [this] { signal_members_shown.emit(MembersShown()); };
  handlers_.emplace_back(sidebar_flap_, Connect(sidebar_flap_, "notify::folded", &on_folded_));
  handlers_.emplace_back(members_flap_, Connect(members_flap_, "notify::folded", &on_folded_));
  handlers_.emplace_back(members_flap_, Connect(members_flap_, "notify::reveal-flap", &on_members_));

  auto keys = Gtk::ShortcutController::create();
  keys->set_scope(Gtk::ShortcutScope::MANAGED);
  keys->add_shortcut(Gtk::Shortcut::create(Gtk::KeyvalTrigger::create(GDK_KEY_F9),
                                           Gtk::CallbackAction::create([this](Gtk::Widget&, const Glib::VariantBase&) {
                                             ToggleSidebar();
                                             return true;
                                           })));
  window_.add_controller(keys);

  // A bin between the window and its content tells its size (test output).
  Gtk::Widget* content = window_.get_child();
  bin_ = Gtk::make_managed<WidthBin>(0, [this] { OnSize(); });
  if (content) {
    g_object_ref(content->gobj());
    window_.unset_child();
    bin_->SetChild(*content);
    g_object_unref(content->gobj());
  }
  window_.set_child(*bin_);
  OnFolded();
}

AdaptiveLayout::~AdaptiveLayout() {
  log_timer_.disconnect();
  if (bin_) bin_->ClearCallback();
  for (auto& [object, id] : handlers_) g_signal_handler_disconnect(object, id);
}

void AdaptiveLayout::SetMembersShown(bool shown) { adw_flap_set_reveal_flap(ADW_FLAP(members_flap_), shown); }

bool AdaptiveLayout::MembersShown() const { return adw_flap_get_reveal_flap(ADW_FLAP(members_flap_)); }

void AdaptiveLayout::ToggleSidebar() {
  if (!adw_flap_get_folded(ADW_FLAP(sidebar_flap_))) return;  // always shown when there is room
  adw_flap_set_reveal_flap(ADW_FLAP(sidebar_flap_), !adw_flap_get_reveal_flap(ADW_FLAP(sidebar_flap_)));
}

void AdaptiveLayout::OnFolded() {
  const bool sidebar_folded = adw_flap_get_folded(ADW_FLAP(sidebar_flap_));
  const bool members_folded = adw_flap_get_folded(ADW_FLAP(members_flap_));
  // The member panel is locked (it stays as the user left it), except that
  // a panel open beside the messages does not jump over them on shrinking.
  if (members_folded && !members_folded_) SetMembersShown(false);
  members_folded_ = members_folded;
  sidebar_toggle_->set_visible(sidebar_folded);
  // The header fits 360 px: the status as its dot only, and of the window
  // buttons only Close (as on phones; GNOME's default layout anyway).
  status_label_->set_visible(!sidebar_folded);
  gtk_header_bar_set_decoration_layout(header_bar_->gobj(), sidebar_folded ? ":close" : nullptr);
  // The banner's buttons go below its text, which keeps the full width.
  banner_->set_orientation(sidebar_folded ? Gtk::Orientation::VERTICAL : Gtk::Orientation::HORIZONTAL);
  banner_->set_spacing(sidebar_folded ? 6 : 12);
  banner_icon_->set_visible(!sidebar_folded);
}

void AdaptiveLayout::OnSize() {
  log_timer_.disconnect();
  log_timer_ = Glib::signal_timeout().connect(
      [this] {
        LogLayout();
        return false;
      },
      400);
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
