// chat-gtk: the desktop client's entry point.
#include "gtkclient/application.h"

int main(int argc, char** argv) {
  auto app = chatgtk::Application::create();
  return app->run(argc, argv);
}
