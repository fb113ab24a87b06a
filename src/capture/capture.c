/* capture.c - paths to activities: files by kind, folders walked in name order, Maildirs. */
#include "capture/capture.h"

#include "capture/ical.h"
#include "capture/jsonl.h"
#include "capture/mbox.h"
#include "capture/mime.h"
#include "capture/pool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum {
  KIND_NONE,
  KIND_MESSAGE, /* one RFC 5322 message: .eml or a Maildir message */
  KIND_MBOX,
  KIND_ICS,
  KIND_JSONL,
} file_kind;

typedef struct {
  const kith_capture_sink *outer;
  kith_capture_stats *stats;
  kith_capture_sink inner; /* counts, then passes on to OUTER */
  kith_pool *pool;         /* emails parsed on worker threads, handed on in order */
  GHashTable *visited;     /* "dev:ino" of every folder entered */
  GHashTable *ancestors;   /* "dev:ino" of the folders being walked now */
  gboolean stopped;
} walker;

static gboolean pass_activity(kith_activity *a, gpointer data)
{
  walker *w = data;
  w->stats->activities++;
  if (w->outer->on_activity && !w->outer->on_activity(a, w->outer->user_data))
    w->stopped = TRUE;
  return !w->stopped;
}

static void pass_error(const char *where, const char *why, gpointer data)
{
  walker *w = data;
  w->stats->errors++;
  if (w->outer->on_error)
    w->outer->on_error(where, why, w->outer->user_data);
}

static void pass_prepare(kith_activity *a, gpointer data)
{
  walker *w = data; /* on a worker thread: W->outer is only read */
  w->outer->prepare(a, w->outer->user_data);
}

static gboolean pass_body_wanted(const char *domain, gpointer data)
{
  walker *w = data; /* on a worker thread: W->outer is only read */
  return w->outer->body_wanted(domain, w->outer->user_data);
}

/* Reported in its place among the messages still being parsed. */
static void report(walker *w, const char *where, const char *why)
{
  kith_pool_push_error(w->pool, g_strdup(where), why);
}

static gboolean pool_message(GByteArray *block, gsize offset, gsize len, char *where, gpointer data)
{
  return kith_pool_push_bytes(data, block, offset, len, where);
}

static gboolean pool_error(char *where, const char *why, gpointer data)
{
  return kith_pool_push_error(data, where, why);
}

typedef struct {
  walker *w;
  char *path;
  gint64 size, mtime;
} file_mark;

static void file_mark_free(gpointer data)
{
  file_mark *m = data;
  g_free(m->path);
  g_free(m);
}

/* A file is marked read once all its messages have been handed on. */
static void file_mark_call(gpointer data)
{
  file_mark *m = data;
  const kith_capture_sink *o = m->w->outer;
  if (!m->w->stopped)
    o->file_read(m->path, m->size, m->mtime, o->user_data);
}

static gboolean is_hidden(const char *path)
{
  g_autofree char *base = g_path_get_basename(path);
  return base[0] == '.';
}

static gboolean is_dir(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A Maildir has cur/ and new/ (tmp/ holds mail still being delivered and
 * is often missing in copies). */
static gboolean is_maildir(const char *path)
{
  g_autofree char *cur = g_build_filename(path, "cur", NULL);
  g_autofree char *new_ = g_build_filename(path, "new", NULL);
  return is_dir(cur) && is_dir(new_);
}

/* A file inside the cur/ or new/ folder of a Maildir is one message. */
static gboolean in_maildir(const char *path)
{
  g_autofree char *dir = g_path_get_dirname(path);
  g_autofree char *base = g_path_get_basename(dir);
  if (strcmp(base, "cur") != 0 && strcmp(base, "new") != 0)
    return FALSE;
  g_autofree char *root = g_path_get_dirname(dir);
  return is_maildir(root);
}

static gboolean has_suffix(const char *path, const char *suffix)
{
  gsize n = strlen(path), m = strlen(suffix);
  return n > m && g_ascii_strcasecmp(path + n - m, suffix) == 0;
}

/* Whether HEAD (N bytes, a file's start) is a message's header block:
 * "Name: value" fields (with continuation lines) from the first line on, one
 * of them a header every email has, up to a blank line or the end of what
 * was read. Exports often save messages as .txt or with no extension. */
static gboolean looks_like_message(const char *head, gsize n)
{
  static const char *const names[] = {"from",    "to",       "date",        "message-id",
                                      "subject", "received", "return-path", NULL};
  gboolean email_header = FALSE;
  guint fields = 0;
  for (gsize pos = 0; pos < n;) {
    const char *line = head + pos;
    const char *nl = memchr(line, '\n', n - pos);
    if (!nl)
      break; /* a line cut by the read: judged on what came before */
    gsize len = (gsize)(nl - line);
    pos += len + 1;
    if (len > 0 && line[len - 1] == '\r')
      len--;
    if (len == 0)
      break; /* the end of the header block */
    if (line[0] == ' ' || line[0] == '\t') {
      if (fields == 0)
        return FALSE;
      continue;
    }
    gsize name = 0;
    while (name < len && line[name] > ' ' && line[name] <= '~' && line[name] != ':')
      name++;
    if (name == 0 || name == len || line[name] != ':')
      return FALSE;
    fields++;
    for (const char *const *h = names; *h && !email_header; h++)
      email_header = strlen(*h) == name && g_ascii_strncasecmp(line, *h, name) == 0;
  }
  return fields >= 2 && email_header;
}

/* What the file's first bytes say: an mbox (a From_ line) or a message (a
 * header block). Sets *ERRNUM when the file cannot be read. */
static gboolean sniff(const char *path, gboolean *mbox, gboolean *message, int *errnum)
{
  *mbox = *message = FALSE;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *errnum = errno;
    return FALSE;
  }
  char head[4096];
  ssize_t n = read(fd, head, sizeof head);
  if (n < 0)
    *errnum = errno;
  close(fd);
  if (n <= 0)
    return FALSE;
  *mbox = n >= 5 && memcmp(head, "From ", 5) == 0;
  *message = !*mbox && looks_like_message(head, (gsize)n);
  return TRUE;
}

/* The kind of a regular file: by its name, then by its first line. */
static file_kind kind_of(const char *path, int *errnum)
{
  *errnum = 0;
  if (has_suffix(path, ".ics"))
    return KIND_ICS;
  if (has_suffix(path, ".jsonl"))
    return KIND_JSONL;
  if (has_suffix(path, ".mbox"))
    return KIND_MBOX;
  gboolean mbox = FALSE, message = FALSE;
  sniff(path, &mbox, &message, errnum);
  if (mbox)
    return KIND_MBOX; /* an .eml saved with its envelope line is read as an mbox */
  if (has_suffix(path, ".eml") || in_maildir(path) || message)
    return KIND_MESSAGE; /* by name, or by content (.txt and .msg exports) */
  return KIND_NONE;
}

static void read_file(walker *w, const char *path, file_kind kind, const struct stat *st)
{
  const kith_capture_sink *o = w->outer;
  if (o->want_file && !o->want_file(path, st->st_size, st->st_mtime, o->user_data)) {
    w->stats->unchanged++;
    return;
  }
  w->stats->files++;
  w->stats->bytes += (guint64)st->st_size;
  switch (kind) {
  case KIND_MESSAGE: kith_pool_push_file(w->pool, g_strdup(path)); break;
  case KIND_MBOX: kith_mbox_split(path, pool_message, pool_error, w->pool); break;
  case KIND_ICS:
    /* Read here and now: what came before is handed on first. */
    if (kith_pool_drain(w->pool))
      kith_ical_read_file(path, &w->inner);
    break;
  case KIND_JSONL:
    if (kith_pool_drain(w->pool))
      kith_jsonl_read_file(path, &w->inner);
    break;
  case KIND_NONE: break;
  }
  if (o->file_read) {
    file_mark *m = g_new0(file_mark, 1);
    *m = (file_mark){w, g_strdup(path), st->st_size, st->st_mtime};
    kith_pool_push_call(w->pool, file_mark_call, m, file_mark_free);
  }
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b); /* bytes, not the locale */
}

/* The names in DIR, byte-wise sorted so that every run reads in one order;
 * NULL (reported) when the folder cannot be read. */
static GPtrArray *list_dir(walker *w, const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) {
    report(w, dir, g_strerror(errno));
    return NULL;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      g_ptr_array_add(names, g_strdup(e->d_name));
    errno = 0;
  }
  if (errno != 0)
    report(w, dir, g_strerror(errno));
  closedir(d);
  g_ptr_array_sort(names, compare_names);
  return names;
}

static void walk_path(walker *w, const char *path, gboolean named);

/* A file of no known kind inside a walked folder: counted by extension, so
 * that the summary can say what was passed over. */
static void ignore(walker *w, const char *path, gboolean hidden)
{
  w->stats->ignored++;
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  const char *dot = strrchr(base, '.');
  const char *ext = hidden ? "hidden" : dot && dot != base ? dot : "";
  for (guint i = 0; i < G_N_ELEMENTS(w->stats->ignored_ext); i++) {
    char *slot = w->stats->ignored_ext[i].ext;
    if (w->stats->ignored_ext[i].n == 0)
      g_strlcpy(slot, ext, sizeof w->stats->ignored_ext[i].ext);
    if (g_ascii_strncasecmp(slot, ext, sizeof w->stats->ignored_ext[i].ext - 1) == 0) {
      w->stats->ignored_ext[i].n++;
      return;
    }
  }
}

/* Each file of cur/ or new/ is one message; hidden files are not mail. */
static void read_maildir_folder(walker *w, const char *dir)
{
  g_autoptr(GPtrArray) names = list_dir(w, dir);
  for (guint i = 0; names && i < names->len && !w->stopped; i++) {
    const char *name = g_ptr_array_index(names, i);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    struct stat st;
    if (stat(path, &st) != 0) {
      report(w, path, g_strerror(errno));
      continue;
    }
    if (name[0] == '.' || !S_ISREG(st.st_mode))
      ignore(w, path, name[0] == '.');
    else
      read_file(w, path, KIND_MESSAGE, &st);
  }
}

static void walk_dir(walker *w, const char *dir, const struct stat *st)
{
  g_autofree char *key = g_strdup_printf("%ju:%ju", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
  if (g_hash_table_contains(w->ancestors, key)) {
    report(w, dir, "symbolic link loop, not followed");
    return;
  }
  if (g_hash_table_contains(w->visited, key))
    return; /* the same folder reached by a second link: read once */
  g_hash_table_add(w->visited, g_strdup(key));
  g_hash_table_add(w->ancestors, g_strdup(key));

  gboolean maildir = is_maildir(dir);
  if (maildir) {
    g_autofree char *cur = g_build_filename(dir, "cur", NULL);
    g_autofree char *new_ = g_build_filename(dir, "new", NULL);
    read_maildir_folder(w, cur);
    if (!w->stopped)
      read_maildir_folder(w, new_);
  }
  g_autoptr(GPtrArray) names = list_dir(w, dir);
  for (guint i = 0; names && i < names->len && !w->stopped; i++) {
    const char *name = g_ptr_array_index(names, i);
    if (maildir && (!strcmp(name, "cur") || !strcmp(name, "new") || !strcmp(name, "tmp")))
      continue;
    g_autofree char *path = g_build_filename(dir, name, NULL);
    walk_path(w, path, FALSE);
  }
  g_hash_table_remove(w->ancestors, key);
}

/* NAMED: the path was given by the caller, not found in a walk. */
static void walk_path(walker *w, const char *path, gboolean named)
{
  struct stat st;
  if (stat(path, &st) != 0) {
    report(w, path, g_strerror(errno));
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    /* Hidden folders (.git, .cache) are not mail, except Maildir++
     * sub-folders such as .Sent, which are Maildirs themselves. */
    if (named || !is_hidden(path) || is_maildir(path))
      walk_dir(w, path, &st);
    return;
  }
  if (!named && is_hidden(path)) {
    ignore(w, path, TRUE); /* .DS_Store and the like */
    return;
  }
  int errnum = 0;
  file_kind kind = S_ISREG(st.st_mode) ? kind_of(path, &errnum) : KIND_NONE;
  if (kind != KIND_NONE) {
    read_file(w, path, kind, &st);
  } else if (errnum) {
    report(w, path, g_strerror(errnum));
  } else if (named) {
    report(w, path, "not an email, mbox, Maildir, .ics or .jsonl file");
  } else {
    ignore(w, path, FALSE);
  }
}

gboolean kith_capture_paths(const char *const *paths, const kith_capture_sink *sink,
                            kith_capture_stats *stats)
{
  g_return_val_if_fail(sink != NULL, FALSE);
  kith_capture_stats local = {0};
  walker w = {
      .outer = sink,
      .stats = stats ? stats : &local,
      .inner = {pass_activity, pass_error, NULL, NULL, NULL, sink->prepare ? pass_prepare : NULL,
                sink->body_wanted ? pass_body_wanted : NULL},
      .visited = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
      .ancestors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
  };
  w.inner.user_data = &w;
  kith_mime_init();
  w.pool = kith_pool_new(&w.inner);
  for (const char *const *p = paths; p && *p && !w.stopped; p++)
    walk_path(&w, *p, TRUE);
  kith_pool_free(w.pool);
  g_hash_table_unref(w.visited);
  g_hash_table_unref(w.ancestors);
  return !w.stopped;
}
