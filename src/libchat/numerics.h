// IRC numeric replies by their standard names, with the spec each comes
// from (RFC 1459, RFC 2812, the Modern IRC docs, IRCv3 specs).
#ifndef CHAT_LIBCHAT_NUMERICS_H_
#define CHAT_LIBCHAT_NUMERICS_H_

namespace chat::irc {

// X(name, code, source)
#define CHAT_IRC_NUMERICS(X)                       \
  X(RPL_WELCOME, 1, "RFC 2812")                    \
  X(RPL_YOURHOST, 2, "RFC 2812")                   \
  X(RPL_CREATED, 3, "RFC 2812")                    \
  X(RPL_MYINFO, 4, "RFC 2812")                     \
  X(RPL_ISUPPORT, 5, "Modern IRC")                 \
  X(RPL_UMODEIS, 221, "RFC 1459")                  \
  X(RPL_LUSERCLIENT, 251, "RFC 1459")              \
  X(RPL_LUSEROP, 252, "RFC 1459")                  \
  X(RPL_LUSERUNKNOWN, 253, "RFC 1459")             \
  X(RPL_LUSERCHANNELS, 254, "RFC 1459")            \
  X(RPL_LUSERME, 255, "RFC 1459")                  \
  X(RPL_ADMINME, 256, "RFC 1459")                  \
  X(RPL_LOCALUSERS, 265, "Modern IRC")             \
  X(RPL_GLOBALUSERS, 266, "Modern IRC")            \
  X(RPL_AWAY, 301, "RFC 1459")                     \
  X(RPL_USERHOST, 302, "RFC 1459")                 \
  X(RPL_ISON, 303, "RFC 1459")                     \
  X(RPL_UNAWAY, 305, "RFC 1459")                   \
  X(RPL_NOWAWAY, 306, "RFC 1459")                  \
  X(RPL_WHOISUSER, 311, "RFC 1459")                \
  X(RPL_WHOISSERVER, 312, "RFC 1459")              \
  X(RPL_WHOISOPERATOR, 313, "RFC 1459")            \
  X(RPL_WHOWASUSER, 314, "RFC 1459")               \
  X(RPL_ENDOFWHO, 315, "RFC 1459")                 \
  X(RPL_WHOISIDLE, 317, "RFC 1459")                \
  X(RPL_ENDOFWHOIS, 318, "RFC 1459")               \
  X(RPL_WHOISCHANNELS, 319, "RFC 1459")            \
  X(RPL_LISTSTART, 321, "RFC 1459")                \
  X(RPL_LIST, 322, "RFC 1459")                     \
  X(RPL_LISTEND, 323, "RFC 1459")                  \
  X(RPL_CHANNELMODEIS, 324, "RFC 1459")            \
  X(RPL_CREATIONTIME, 329, "Modern IRC")           \
  X(RPL_WHOISACCOUNT, 330, "Modern IRC")           \
  X(RPL_NOTOPIC, 331, "RFC 1459")                  \
  X(RPL_WHOISBOT, 335, "IRCv3 bot-mode")                  \
  X(RPL_TOPIC, 332, "RFC 1459")                    \
  X(RPL_TOPICWHOTIME, 333, "Modern IRC")           \
  X(RPL_INVITELIST, 336, "Modern IRC")             \
  X(RPL_ENDOFINVITELIST, 337, "Modern IRC")        \
  X(RPL_WHOISACTUALLY, 338, "Modern IRC")          \
  X(RPL_INVITING, 341, "RFC 1459")                 \
  X(RPL_VERSION, 351, "RFC 1459")                  \
  X(RPL_WHOREPLY, 352, "RFC 1459")                 \
  X(RPL_NAMREPLY, 353, "RFC 1459")                 \
  X(RPL_WHOSPCRPL, 354, "WHOX")                    \
  X(RPL_ENDOFNAMES, 366, "RFC 1459")               \
  X(RPL_BANLIST, 367, "RFC 1459")                  \
  X(RPL_ENDOFBANLIST, 368, "RFC 1459")             \
  X(RPL_ENDOFWHOWAS, 369, "RFC 1459")              \
  X(RPL_INFO, 371, "RFC 1459")                     \
  X(RPL_MOTD, 372, "RFC 1459")                     \
  X(RPL_ENDOFINFO, 374, "RFC 1459")                \
  X(RPL_MOTDSTART, 375, "RFC 1459")                \
  X(RPL_ENDOFMOTD, 376, "RFC 1459")                \
  X(RPL_WHOISHOST, 378, "Modern IRC")              \
  X(RPL_WHOISMODES, 379, "Modern IRC")             \
  X(RPL_YOUREOPER, 381, "RFC 1459")                \
  X(RPL_TIME, 391, "RFC 1459")                     \
  X(ERR_UNKNOWNERROR, 400, "Modern IRC")           \
  X(ERR_NOSUCHNICK, 401, "RFC 1459")               \
  X(ERR_NOSUCHSERVER, 402, "RFC 1459")             \
  X(ERR_NOSUCHCHANNEL, 403, "RFC 1459")            \
  X(ERR_CANNOTSENDTOCHAN, 404, "RFC 1459")         \
  X(ERR_TOOMANYCHANNELS, 405, "RFC 1459")          \
  X(ERR_WASNOSUCHNICK, 406, "RFC 1459")            \
  X(ERR_TOOMANYTARGETS, 407, "RFC 1459")           \
  X(ERR_NOORIGIN, 409, "RFC 1459")                 \
  X(ERR_INVALIDCAPCMD, 410, "IRCv3 capability-negotiation") \
  X(ERR_NORECIPIENT, 411, "RFC 1459")              \
  X(ERR_NOTEXTTOSEND, 412, "RFC 1459")             \
  X(ERR_INPUTTOOLONG, 417, "Modern IRC")           \
  X(ERR_UNKNOWNCOMMAND, 421, "RFC 1459")           \
  X(ERR_NOMOTD, 422, "RFC 1459")                   \
  X(ERR_NONICKNAMEGIVEN, 431, "RFC 1459")          \
  X(ERR_ERRONEUSNICKNAME, 432, "RFC 1459")         \
  X(ERR_NICKNAMEINUSE, 433, "RFC 1459")            \
  X(ERR_USERNOTINCHANNEL, 441, "RFC 1459")         \
  X(ERR_NOTONCHANNEL, 442, "RFC 1459")             \
  X(ERR_USERONCHANNEL, 443, "RFC 1459")            \
  X(ERR_NOTREGISTERED, 451, "RFC 1459")            \
  X(ERR_NEEDMOREPARAMS, 461, "RFC 1459")           \
  X(ERR_ALREADYREGISTERED, 462, "RFC 1459")        \
  X(ERR_PASSWDMISMATCH, 464, "RFC 1459")           \
  X(ERR_YOUREBANNEDCREEP, 465, "RFC 1459")         \
  X(ERR_CHANNELISFULL, 471, "RFC 1459")            \
  X(ERR_UNKNOWNMODE, 472, "RFC 1459")              \
  X(ERR_INVITEONLYCHAN, 473, "RFC 1459")           \
  X(ERR_BANNEDFROMCHAN, 474, "RFC 1459")           \
  X(ERR_BADCHANNELKEY, 475, "RFC 1459")            \
  X(ERR_BADCHANMASK, 476, "RFC 2812")              \
  X(ERR_NOPRIVILEGES, 481, "RFC 1459")             \
  X(ERR_CHANOPRIVSNEEDED, 482, "RFC 1459")         \
  X(ERR_UMODEUNKNOWNFLAG, 501, "RFC 1459")         \
  X(ERR_USERSDONTMATCH, 502, "RFC 1459")           \
  X(ERR_HELPNOTFOUND, 524, "Modern IRC")           \
  X(ERR_INVALIDKEY, 525, "Modern IRC")             \
  X(RPL_WHOISSECURE, 671, "Modern IRC")            \
  X(ERR_INVALIDMODEPARAM, 696, "Modern IRC")       \
  X(RPL_MONONLINE, 730, "IRCv3 monitor")           \
  X(RPL_MONOFFLINE, 731, "IRCv3 monitor")          \
  X(RPL_MONLIST, 732, "IRCv3 monitor")             \
  X(RPL_ENDOFMONLIST, 733, "IRCv3 monitor")        \
  X(ERR_MONLISTFULL, 734, "IRCv3 monitor") \
  X(RPL_LOGGEDIN, 900, "IRCv3 SASL")              \
  X(RPL_LOGGEDOUT, 901, "IRCv3 SASL")             \
  X(ERR_NICKLOCKED, 902, "IRCv3 SASL")            \
  X(RPL_SASLSUCCESS, 903, "IRCv3 SASL")           \
  X(ERR_SASLFAIL, 904, "IRCv3 SASL")              \
  X(ERR_SASLTOOLONG, 905, "IRCv3 SASL")           \
  X(ERR_SASLABORTED, 906, "IRCv3 SASL")           \
  X(ERR_SASLALREADY, 907, "IRCv3 SASL")           \
  X(RPL_SASLMECHS, 908, "IRCv3 SASL")

enum Numeric : int {
#define CHAT_IRC_NUMERIC_ENUM(name, code, source) name = code,
  CHAT_IRC_NUMERICS(CHAT_IRC_NUMERIC_ENUM)
#undef CHAT_IRC_NUMERIC_ENUM
};

// The standard name of numeric `code` ("RPL_WELCOME"), or nullptr if the
// table doesn't have it.
const char* NumericName(int code);

// The three-digit wire form of a numeric: 1 -> "001". The string is static
// (never freed). Any value 0..999 is formatted, in the table or not; a value
// outside that range is a broken invariant and aborts.
const char* NumericCode(Numeric n);

}  // namespace chat::irc

#endif  // CHAT_LIBCHAT_NUMERICS_H_
