/* demo.c - kith demo (built in the decisions work; see issue). */
#include "cmd/cmd.h"
int kith_cmd_demo(kith_cmd *cmd)
{
  kith_cmd_error("demo: not built yet");
  return KITH_EXIT_FAILED;
}
