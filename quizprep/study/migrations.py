"""The progress database's schema, as numbered migrations recorded in the database."""

from __future__ import annotations

# Numbered migrations. Never edit one that has shipped: append a new one. Each runs in its
# own transaction and is recorded in schema_migrations.
MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "card state, review log, buried cards, settings",
        [
            """CREATE TABLE card_state (
                deck_id TEXT NOT NULL,
                card_id TEXT NOT NULL,
                fsrs TEXT NOT NULL,
                state INTEGER NOT NULL,
                due INTEGER NOT NULL,
                PRIMARY KEY (deck_id, card_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX card_state_due ON card_state(due)",
            """CREATE TABLE review_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                deck_id TEXT NOT NULL,
                card_id TEXT NOT NULL,
                reviewed_at INTEGER NOT NULL,
                rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
                duration_ms INTEGER,
                state_before INTEGER NOT NULL,
                state_after INTEGER NOT NULL,
                interval_before INTEGER,
                interval_after INTEGER NOT NULL,
                due_before INTEGER,
                due_after INTEGER NOT NULL,
                fsrs_before TEXT,
                fsrs_after TEXT NOT NULL
            )""",
            # Covers every stats aggregate (time range, retention, per-day counts) so they
            # read the index alone instead of the table.
            "CREATE INDEX review_log_time ON review_log(reviewed_at, state_before, rating)",
            "CREATE INDEX review_log_card ON review_log(deck_id, card_id)",
            """CREATE TABLE buried (
                deck_id TEXT NOT NULL,
                card_id TEXT NOT NULL,
                until INTEGER NOT NULL,
                PRIMARY KEY (deck_id, card_id)
            ) WITHOUT ROWID""",
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ],
    ),
    (
        2,
        "mock interviews and their answers; progress-sync replay marks",
        [
            # questions and score are kept up to date after every answer, so a killed
            # interview still shows in the history with what was answered.
            """CREATE TABLE interviews (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                started_at INTEGER NOT NULL,
                ended_at INTEGER,
                budget_ms INTEGER NOT NULL,
                planned INTEGER NOT NULL,
                seed INTEGER,
                topic TEXT,
                questions INTEGER NOT NULL DEFAULT 0,
                score REAL,
                end_reason TEXT
            )""",
            "CREATE INDEX interviews_started ON interviews(started_at)",
            # deck_id/card_id name the card the answer was graded against (NULL for a
            # self-rated follow-up); review_id is the review-log row a bad answer added.
            # No foreign key to review_log: reset and prune delete log rows freely.
            """CREATE TABLE interview_answers (
                interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('question', 'follow_up')),
                parent_position INTEGER,
                deck_id TEXT,
                card_id TEXT,
                topic TEXT NOT NULL,
                question TEXT NOT NULL,
                answer TEXT NOT NULL,
                covered TEXT NOT NULL,
                missed TEXT NOT NULL,
                rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
                self_rated INTEGER NOT NULL,
                score REAL NOT NULL,
                duration_ms INTEGER NOT NULL,
                review_id INTEGER,
                PRIMARY KEY (interview_id, position)
            ) WITHOUT ROWID""",
            # The state a progress import last rebuilt for a card (and with which desired
            # retention): while card_state still holds it, nothing was reviewed since and
            # the next import need not replay that card again.
            """CREATE TABLE replayed (
                deck_id TEXT NOT NULL,
                card_id TEXT NOT NULL,
                fsrs TEXT NOT NULL,
                retention REAL NOT NULL,
                PRIMARY KEY (deck_id, card_id)
            ) WITHOUT ROWID""",
        ],
    ),
    (
        3,
        "where each review came from",
        [
            # 'drill' or 'interview'. Retention counts drill reviews only: an interview logs
            # just its badly answered cards, which would drag the figure down.
            "ALTER TABLE review_log ADD COLUMN source TEXT NOT NULL DEFAULT 'drill'",
            # Covers the retention query, so it never reads the log rows themselves.
            "CREATE INDEX review_log_retention"
            " ON review_log(state_before, source, reviewed_at, rating)",
        ],
    ),
    (
        4,
        "typed-answer grades: the grader's verdicts and the user's",
        [
            # One row per graded typed answer: a drill review (review_id) or an interview
            # answer (interview_id, position). grader/final are JSON lists of verdicts per key
            # point ("covered" | "missed" | "contradicted"); final is what the user confirmed
            # after toggling. No foreign keys: undo, reset and prune delete log rows freely,
            # and readers skip grades whose review is gone.
            """CREATE TABLE review_grades (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                review_id INTEGER,
                interview_id INTEGER,
                position INTEGER,
                deck_id TEXT NOT NULL,
                card_id TEXT NOT NULL,
                graded_at INTEGER NOT NULL,
                grader TEXT NOT NULL,
                final TEXT NOT NULL,
                proposed INTEGER NOT NULL CHECK (proposed BETWEEN 1 AND 4),
                rating INTEGER CHECK (rating BETWEEN 1 AND 4),
                overridden INTEGER NOT NULL
            )""",
            "CREATE INDEX review_grades_review ON review_grades(review_id)",
        ],
    ),
    (
        5,
        "suspended and flagged cards",
        [
            # Suspended cards stay out of every drill until unsuspended; a flag only marks a
            # card for later (`quizprep drill --flagged`). Both survive `reset`, as in Anki.
            """CREATE TABLE suspended (
                deck_id TEXT NOT NULL,
                card_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (deck_id, card_id)
            ) WITHOUT ROWID""",
            """CREATE TABLE flagged (
                deck_id TEXT NOT NULL,
                card_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (deck_id, card_id)
            ) WITHOUT ROWID""",
        ],
    ),
    (
        6,
        "interview-date plans",
        [
            # One row per dated plan. decks is a JSON array of deck ids, [] for every deck;
            # plans never overlap (setting one trims the others). The plan changes no card
            # state: it only decides what the drill shows, so clearing it loses nothing.
            """CREATE TABLE interview_plans (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                interview_date TEXT NOT NULL,
                decks TEXT NOT NULL,
                minutes_per_day INTEGER,
                created_at INTEGER NOT NULL
            )""",
        ],
    ),
    (
        7,
        "indexes for a big review log: a card's reviews in time order, first ratings by time",
        [
            # A rating looks up the card's last review; an import replays each card's reviews
            # in time order: both read this index instead of sorting (9 ms → 0.007 ms at 100k
            # rows). It also serves everything the (deck_id, card_id) index did.
            "CREATE INDEX review_log_card_time ON review_log(deck_id, card_id, reviewed_at)",
            "DROP INDEX IF EXISTS review_log_card",
            # new_cards_since: first ratings (state_before = new) since a time, counted from
            # the index alone; the retention index it used to pick scans every source.
            "CREATE INDEX review_log_first"
            " ON review_log(state_before, reviewed_at, deck_id, card_id)",
        ],
    ),
    (
        8,
        "cached AI grader replies",
        [
            # key: sha256 of (prompt version, card content, answer, model). The raw reply is
            # kept, so a re-grade parses it again through the same checks.
            """CREATE TABLE ai_grades (
                key TEXT PRIMARY KEY,
                model TEXT NOT NULL,
                reply TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID""",
        ],
    ),
    (
        10,
        "attempts at code and derivation exercises",
        [
            # One row per `quizprep code check` run or derivation answer; stats counts the
            # exercises attempted and the ones whose latest attempt passed.
            """CREATE TABLE exercise_attempts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('code', 'derive')),
                name TEXT NOT NULL,
                attempted_at INTEGER NOT NULL,
                passed INTEGER NOT NULL,
                total INTEGER NOT NULL
            )""",
            "CREATE INDEX exercise_attempts_name ON exercise_attempts(kind, name, attempted_at)",
        ],
    ),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
