/* fuzz_config.c - fuzz target: kith.conf text through kith_config_load. */
#include "config/config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char *conf_path;

static void remove_conf(void)
{
  if (conf_path)
    unlink(conf_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  conf_path = g_strdup_printf("%s/kith-fuzz-conf-%d.conf", g_get_tmp_dir(), (int)getpid());
  atexit(remove_conf);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!conf_path)
    LLVMFuzzerInitialize(NULL, NULL);
  FILE *f = fopen(conf_path, "wb");
  if (!f)
    return 0;
  if (size && fwrite(data, 1, size, f) != size) {
    fclose(f);
    return 0;
  }
  fclose(f);
  g_autoptr(GError) error = NULL;
  g_autoptr(kith_config) config = kith_config_load(conf_path, &error);
  if (!config) {
    if (!error)
      __builtin_trap();
    return 0;
  }
  /* Use what was read the way kith does. */
  g_autofree char *dump = kith_config_describe(config);
  if (strlen(dump) == 0)
    __builtin_trap();
  kith_config_profile_for(config, "jane@example.com");
  kith_config_is_internal_domain(config, "mail.example.com");
  kith_config_is_personal_domain(config, "gmail.com");
  kith_config_is_filtered(config, "noreply@example.org");
  kith_config_is_role_address(config, "postmaster@example.org");
  kith_config_subject_excluded(config, "Out of office: re: hello");
  return 0;
}
