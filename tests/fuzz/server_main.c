/* server_main: brigade-server's main under another name, so that fuzz_http
 * runs the real server, start-up and all, in a thread of its own. */
#define main brigade_server_main
int brigade_server_main(int argc, char **argv);
#include "../../server/main.c"
