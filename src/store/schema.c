/* schema.c - the store's tables: the CRM mirror (Salesforce names) and kith's own. */
#include "store/schema.h"

#include <stddef.h>

/* The CRM tables carry the contract's columns (CONTRACT.md section 2) plus
 * derived look-up columns: email_key (R1-normalised address), created_ts
 * (CreatedDate as Unix seconds, for ordering). Booleans are 0/1. */
static const char migration_1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"

    "CREATE TABLE \"User\"(Id TEXT PRIMARY KEY, FirstName TEXT, LastName TEXT, Email TEXT,"
    " IsActive INTEGER NOT NULL DEFAULT 1, email_key TEXT);"
    "CREATE INDEX user_email ON \"User\"(email_key);"

    "CREATE TABLE Account(Id TEXT PRIMARY KEY, Name TEXT, Website TEXT,"
    " Secondary_Domains__c TEXT, OwnerId TEXT);"
    "CREATE INDEX account_owner ON Account(OwnerId);"
    /* Every domain of an Account, normalised; is_primary for the Website's. */
    "CREATE TABLE account_domain(domain TEXT NOT NULL, account_id TEXT NOT NULL,"
    " is_primary INTEGER NOT NULL, PRIMARY KEY(domain, account_id)) WITHOUT ROWID;"
    "CREATE INDEX account_domain_account ON account_domain(account_id);"

    "CREATE TABLE AccountTeamMember(Id TEXT PRIMARY KEY, AccountId TEXT, UserId TEXT,"
    " TeamMemberRole TEXT);"
    "CREATE INDEX team_account ON AccountTeamMember(AccountId, UserId);"

    "CREATE TABLE Contact(Id TEXT PRIMARY KEY, AccountId TEXT, FirstName TEXT, LastName TEXT,"
    " Email TEXT, Title TEXT, Phone TEXT, Department TEXT, Seniority__c TEXT, Persona__c TEXT,"
    " MailingCountry TEXT, MailingState TEXT, OwnerId TEXT, LeadSource TEXT,"
    " Created_By_Kith__c INTEGER NOT NULL DEFAULT 0, CreatedDate TEXT,"
    " email_key TEXT, created_ts INTEGER);"
    "CREATE INDEX contact_email ON Contact(email_key);"
    "CREATE INDEX contact_account ON Contact(AccountId);"

    "CREATE TABLE Lead(Id TEXT PRIMARY KEY, FirstName TEXT, LastName TEXT, Email TEXT,"
    " Company TEXT, OwnerId TEXT, IsConverted INTEGER NOT NULL DEFAULT 0, email_key TEXT);"
    "CREATE INDEX lead_email ON Lead(email_key);"

    "CREATE TABLE Opportunity(Id TEXT PRIMARY KEY, AccountId TEXT, Name TEXT, OwnerId TEXT,"
    " StageName TEXT, IsClosed INTEGER NOT NULL DEFAULT 0, CreatedDate TEXT, created_ts INTEGER);"
    "CREATE INDEX opportunity_account ON Opportunity(AccountId);"
    "CREATE INDEX opportunity_owner ON Opportunity(OwnerId, AccountId);"

    "CREATE TABLE OpportunityContactRole(Id TEXT PRIMARY KEY, OpportunityId TEXT,"
    " ContactId TEXT, Role TEXT, IsPrimary INTEGER NOT NULL DEFAULT 0,"
    " Created_By_Kith__c INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX role_opportunity ON OpportunityContactRole(OpportunityId);"
    "CREATE INDEX role_contact ON OpportunityContactRole(ContactId);"

    /* kith's own state. Activities keep identity, kind, time, subject and who
     * took part; never bodies. state: pending (captured, not yet decided),
     * decided, skipped (R10, with the reason). */
    "CREATE TABLE activity(id TEXT PRIMARY KEY, kind TEXT NOT NULL, time INTEGER NOT NULL,"
    " subject TEXT, origin TEXT, state TEXT NOT NULL, reason TEXT, ingested_at TEXT NOT NULL);"
    "CREATE INDEX activity_pending ON activity(state, time, id);"
    "CREATE TABLE activity_participant(activity_id TEXT NOT NULL, pos INTEGER NOT NULL,"
    " email TEXT NOT NULL, name TEXT, role TEXT NOT NULL, cutype TEXT NOT NULL,"
    " first_name TEXT, last_name TEXT, PRIMARY KEY(activity_id, pos)) WITHOUT ROWID;"
    "CREATE INDEX participant_email ON activity_participant(email);"
    /* Which Contact or Lead an activity's participant was linked to. */
    "CREATE TABLE activity_link(activity_id TEXT NOT NULL, email TEXT NOT NULL,"
    " object_type TEXT NOT NULL, object_id TEXT NOT NULL, PRIMARY KEY(activity_id, email))"
    " WITHOUT ROWID;"
    "CREATE INDEX link_object ON activity_link(object_id);"
    /* The newest observation of each field per address (R37-R39): value and
     * the time of the activity that showed it. */
    "CREATE TABLE observation(email TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,"
    " time INTEGER NOT NULL, activity_id TEXT NOT NULL, PRIMARY KEY(email, field)) WITHOUT ROWID;"
    /* The time of the observation a contact's field was last written from (R39). */
    "CREATE TABLE field_source(contact_id TEXT NOT NULL, field TEXT NOT NULL,"
    " time INTEGER NOT NULL, PRIMARY KEY(contact_id, field)) WITHOUT ROWID;"
    /* Queued CRM changes, applied in seq order by sync (R60). op is one of
     * contact_create, role_create, field_update, contact_delete,
     * contact_remove. object_id is the Id the record gets (creates) or has. */
    "CREATE TABLE outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending', activity_id TEXT, email TEXT,"
    " object_id TEXT NOT NULL, account_id TEXT, opportunity_id TEXT, contact_id TEXT,"
    " owner_id TEXT, field TEXT, value TEXT, old_value TEXT, obs_time INTEGER, rule TEXT,"
    " detail TEXT, error TEXT, queued_at TEXT NOT NULL, done_at TEXT);"
    "CREATE INDEX outbox_pending ON outbox(state, seq);"
    "CREATE INDEX outbox_email ON outbox(email, op, state);"
    "CREATE INDEX outbox_object ON outbox(object_id, op, state);"
    "CREATE INDEX outbox_contact ON outbox(contact_id, op, state);"
    "CREATE INDEX outbox_opportunity ON outbox(opportunity_id, op, state);"
    /* A queued contact that sync did not create because one existed (R61). */
    "CREATE TABLE id_alias(queued_id TEXT PRIMARY KEY, actual_id TEXT NOT NULL,"
    " object_type TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE engagement_log(seq INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL,"
    " activity_id TEXT, email TEXT, action TEXT NOT NULL, reason TEXT, object_id TEXT,"
    " rule TEXT, detail TEXT);"
    "CREATE INDEX log_email ON engagement_log(email);"
    "CREATE INDEX log_activity ON engagement_log(activity_id);"
    "CREATE TABLE suppression(email TEXT PRIMARY KEY, contact_id TEXT, time TEXT NOT NULL)"
    " WITHOUT ROWID;"
    "CREATE TABLE id_counter(prefix TEXT PRIMARY KEY, next INTEGER NOT NULL) WITHOUT ROWID;";

/* 2: an outbox entry sent to a remote CRM whose reply has not been
 * recorded yet (a crash in between is reconciled at the next sync); the
 * remote CRM's own Id of a record kith queued. */
static const char migration_2[] = "ALTER TABLE outbox ADD COLUMN sent_at TEXT;"
                                  "ALTER TABLE outbox ADD COLUMN remote_id TEXT;";

/* 3: what live sources have read (IMAP UIDVALIDITY and last UID, CalDAV
 * sync tokens: any key per source), and the files a watched folder has
 * already given, so a rescan reads only what changed. */
static const char migration_3[] =
    "CREATE TABLE source_state(source TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY(source, key)) WITHOUT ROWID;"
    "CREATE TABLE source_file(path TEXT PRIMARY KEY, size INTEGER NOT NULL,"
    " mtime INTEGER NOT NULL, read_at TEXT NOT NULL) WITHOUT ROWID;";

/* 4: activities get a stable integer key (seq) and their participants are
 * kept under it: inserting them then appends to the table's b-tree instead
 * of landing at the random place a Message-ID sorts to, which made storing
 * participants the largest cost of capture. */
static const char migration_4[] =
    "CREATE TABLE activity_v4(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " kind TEXT NOT NULL, time INTEGER NOT NULL, subject TEXT, origin TEXT, state TEXT NOT NULL,"
    " reason TEXT, ingested_at TEXT NOT NULL);"
    "INSERT INTO activity_v4(id, kind, time, subject, origin, state, reason, ingested_at)"
    " SELECT id, kind, time, subject, origin, state, reason, ingested_at FROM activity"
    " ORDER BY ingested_at, rowid;"
    "CREATE TABLE participant(activity INTEGER NOT NULL, pos INTEGER NOT NULL,"
    " email TEXT NOT NULL, name TEXT, role TEXT NOT NULL, cutype TEXT NOT NULL,"
    " first_name TEXT, last_name TEXT, PRIMARY KEY(activity, pos)) WITHOUT ROWID;"
    "INSERT INTO participant SELECT a.seq, p.pos, p.email, p.name, p.role, p.cutype,"
    " p.first_name, p.last_name FROM activity_participant p JOIN activity_v4 a"
    " ON a.id = p.activity_id ORDER BY a.seq, p.pos;"
    "DROP TABLE activity_participant;"
    "DROP TABLE activity;"
    "ALTER TABLE activity_v4 RENAME TO activity;"
    "CREATE INDEX activity_pending ON activity(state, time, id);"
    "CREATE INDEX participant_email ON participant(email);";

/* 5: observations a long capture has made but not yet kept in observation:
 * appended here in the order they come and merged in key order once, at
 * the capture's end. Upserting them one by one into observation, whose keys
 * are addresses in no order, rewrote most of its pages at every commit, so
 * capture slowed as the table grew. */
static const char migration_5[] =
    "CREATE TABLE observation_log(email TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,"
    " time INTEGER NOT NULL, activity_id TEXT NOT NULL);";

/* 6: what an activity was found to be beyond its fields: bit 0, an email
 * that failed the org's authentication checks (R12). */
static const char migration_6[] =
    "ALTER TABLE activity ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;";

/* 7: R45: the latest bounce of each address: the time of the
 * delivery-status notification that said delivery to it failed (its Date,
 * R13), and that notification's activity. Mail the address sends itself
 * after that time ends the bounce (store/bounce.c). Kept like an
 * observation: erased by kith purge, and after [org] retain_days for an
 * address the CRM does not hold. */
static const char migration_7[] =
    "CREATE TABLE bounce(email TEXT PRIMARY KEY, time INTEGER NOT NULL,"
    " activity_id TEXT NOT NULL) WITHOUT ROWID;";

/* 8: R43 asks, for an account, which contacts are queued for it: without an
 * index that read the whole outbox once per account an ingest met. */
static const char migration_8[] = "CREATE INDEX outbox_account ON outbox(account_id, op, state);";

/* 9: the review queue (docs/review.md): decisions a person should look at,
 * found in the log and the outbox after the rows last read (meta keys
 * review_log_seq and review_outbox_seq), one item per kind and address;
 * state open, accepted or rejected, with what was done. */
static const char migration_9[] =
    "CREATE TABLE review(id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
    " email TEXT NOT NULL, activity_id TEXT, account_id TEXT, contact_id TEXT,"
    " participants INTEGER, state TEXT NOT NULL DEFAULT 'open', created_at TEXT NOT NULL,"
    " decided_at TEXT, decision TEXT, UNIQUE(kind, email));"
    "CREATE INDEX review_state ON review(state, id);";

const char *kith_schema_migration(int version)
{
  switch (version) {
  case 1: return migration_1;
  case 2: return migration_2;
  case 3: return migration_3;
  case 4: return migration_4;
  case 5: return migration_5;
  case 6: return migration_6;
  case 7: return migration_7;
  case 8: return migration_8;
  case 9: return migration_9;
  default: return NULL;
  }
}
