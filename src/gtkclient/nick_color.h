// chatgtk::NickColor: a stable color per nick so a reader can follow who
// speaks. Pure function, no GTK.
#ifndef CHAT_GTKCLIENT_NICK_COLOR_H_
#define CHAT_GTKCLIENT_NICK_COLOR_H_

#include <string>
#include <string_view>

namespace chatgtk {

// Returns "#rrggbb" for `nick`, chosen by a hash of its ASCII-lowercased
// bytes from a palette of mid-tone colors that keep at least 3:1 contrast on
// both a light (#ffffff) and a dark (#242424) background. The same nick
// always gets the same color; case does not matter.
std::string NickColor(std::string_view nick);

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_NICK_COLOR_H_
