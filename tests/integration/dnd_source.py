"""A drag source for chat-gtk's drop test (test_gtkclient_files.py): a small
GTK 4 window titled "dnd-source" whose label drags the file named on the
command line as a file list (what a file manager offers)."""

import sys

import gi

gi.require_version("Gtk", "4.0")
gi.require_version("Gdk", "4.0")
from gi.repository import Gdk, Gio, GObject, Gtk  # noqa: E402


def on_activate(app):
    win = Gtk.ApplicationWindow(application=app, title="dnd-source")
    win.set_default_size(160, 120)
    label = Gtk.Label(label="drag me")
    label.set_vexpand(True)
    source = Gtk.DragSource(actions=Gdk.DragAction.COPY)
    files = Gdk.FileList.new_from_list([Gio.File.new_for_path(sys.argv[1])])
    value = GObject.Value(Gdk.FileList, files)
    source.set_content(Gdk.ContentProvider.new_for_value(value))
    label.add_controller(source)
    win.set_child(label)
    win.present()


app = Gtk.Application(application_id="dev.chatd.DndSource", flags=Gio.ApplicationFlags.NON_UNIQUE)
app.connect("activate", on_activate)
app.run([sys.argv[0]])
