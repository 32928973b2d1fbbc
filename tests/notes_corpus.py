"""Notes and highlights as people jot them, each with the sentence its reader gets.

Every expected sentence below was read and checked by hand; test_notes.py compares the
rendering (wording variant 0) to it. A note that cannot be placed in a sentence is listed with
the reason `check` gives. The notes are to Dana Smith, so "Dana" in a note is "you".
"""

# A note and its sentence stay on one line each, as a reader compares them:
# ruff: noqa: E501

from __future__ import annotations

NOTES: list[tuple[str, str]] = [
    (
        "She asked about my Kafka experience",
        "I especially enjoyed the moment when you asked about my Kafka experience.",
    ),
    (
        "He asked how I'd handle a noisy neighbour in a shared cluster.",
        "I especially enjoyed the moment when you asked how I'd handle a noisy neighbour in a shared cluster.",
    ),
    (
        "They wanted to know why I left my last job",
        "I especially enjoyed the moment when you wanted to know why I left my last job.",
    ),
    (
        "she walked me through the team's roadmap for next year",
        "I especially enjoyed the moment when you walked me through the team's roadmap for next year.",
    ),
    (
        "He explained how the billing service is split into three teams",
        "I especially enjoyed the moment when you explained how the billing service is split into three teams.",
    ),
    (
        "She's moving the whole team to Rust next quarter",
        "It was good to learn that you're moving the whole team to Rust next quarter.",
    ),
    (
        "He mentioned that the team ships twice a day",
        "It was good to learn that the team ships twice a day.",
    ),
    (
        "They are hiring two more SREs this spring",
        "It was good to learn that you are hiring two more SREs this spring.",
    ),
    (
        "She thinks the monolith will be gone by summer",
        "It was good to learn that you think the monolith will be gone by summer.",
    ),
    (
        "He was very open about the on-call burden",
        "I especially enjoyed the moment when you were very open about the on-call burden.",
    ),
    (
        "She showed me the dashboard they built for incident reviews",
        "I especially enjoyed the moment when you showed me the dashboard you built for incident reviews.",
    ),
    (
        "Dana asked me to sketch a rate limiter on the whiteboard",
        "I especially enjoyed the moment when you asked me to sketch a rate limiter on the whiteboard.",
    ),
    (
        "He has been at Acme for nine years",
        "It was good to learn that you have been at Acme for nine years.",
    ),
    (
        "She'd like me to meet the CTO next week",
        "It was good to learn that you'd like me to meet the CTO next week.",
    ),
    (
        "He kept pushing on how I would test the migration",
        "I especially enjoyed the moment when you kept pushing on how I would test the migration.",
    ),
    (
        "She gave me great advice about the first 90 days",
        "I especially enjoyed the moment when you gave me great advice about the first 90 days.",
    ),
    (
        "They told me about their move from Jenkins to GitHub Actions",
        "I especially enjoyed the moment when you told me about your move from Jenkins to GitHub Actions.",
    ),
    (
        "She said her team owns the payments API",
        "It was good to learn that your team owns the payments API.",
    ),
    (
        "He drew the whole event pipeline from memory",
        "I especially enjoyed the moment when you drew the whole event pipeline from memory.",
    ),
    (
        "She laughed at my story about the 3 a.m. pager",
        "I especially enjoyed the moment when you laughed at my story about the 3 a.m. pager.",
    ),
    (
        "asked how I would cut on-call load",
        "I especially enjoyed the moment when you asked how I would cut on-call load.",
    ),
    (
        "wants to cut deploy times in half next year",
        "It was good to learn that you want to cut deploy times in half next year.",
    ),
    (
        "walked me through the roadmap",
        "I especially enjoyed the moment when you walked me through the roadmap.",
    ),
    (
        "explained their approach to code review",
        "I especially enjoyed the moment when you explained your approach to code review.",
    ),
    (
        "is leading the platform migration",
        "It was good to learn that you are leading the platform migration.",
    ),
    (
        "was curious about my open-source work",
        "I especially enjoyed the moment when you were curious about my open-source work.",
    ),
    (
        "has a background in compilers, like me",
        "It was good to learn that you have a background in compilers, like me.",
    ),
    (
        "pushed back on my caching idea",
        "I especially enjoyed the moment when you pushed back on my caching idea.",
    ),
    (
        "described the team's biggest challenge",
        "I especially enjoyed the moment when you described the team's biggest challenge.",
    ),
    (
        "mentioned they're expanding to Berlin",
        "It was good to learn that you're expanding to Berlin.",
    ),
    (
        "will send me the RFC for the new queue",
        "It was good to learn that you will send me the RFC for the new queue.",
    ),
    (
        "seemed excited about my observability work",
        "I especially enjoyed the moment when you seemed excited about my observability work.",
    ),
    (
        "kept asking about failure modes",
        "I especially enjoyed the moment when you kept asking about failure modes.",
    ),
    (
        "offered to introduce me to the data team",
        "I especially enjoyed the moment when you offered to introduce me to the data team.",
    ),
    (
        "Asked what I'd change in their deploy process.",
        "I especially enjoyed the moment when you asked what I'd change in your deploy process.",
    ),
    (
        "spent twenty minutes on my side project",
        "I especially enjoyed the moment when you spent twenty minutes on my side project.",
    ),
    (
        "runs the incident review every Friday",
        "It was good to learn that you run the incident review every Friday.",
    ),
    (
        "challenged my estimate for the migration",
        "I especially enjoyed the moment when you challenged my estimate for the migration.",
    ),
    (
        "loved the idea of contract tests",
        "It was good to learn that you loved the idea of contract tests.",
    ),
    (
        "shared the onboarding plan for new hires",
        "I especially enjoyed the moment when you shared the onboarding plan for new hires.",
    ),
    (
        "we compared back-pressure strategies",
        "I especially enjoyed the moment when we compared back-pressure strategies.",
    ),
    (
        "We talked about pairing and code review",
        "I especially enjoyed the moment when we talked about pairing and code review.",
    ),
    (
        "we both started our careers in game dev",
        "It was good to learn that we both started our careers in game dev.",
    ),
    (
        "we spent most of the time on system design",
        "I especially enjoyed the moment when we spent most of the time on system design.",
    ),
    (
        "We disagreed about microservices, politely",
        "I especially enjoyed the moment when we disagreed about microservices, politely.",
    ),
    (
        "Dana and I compared notes on Terraform",
        "I especially enjoyed the moment when you and I compared notes on Terraform.",
    ),
    (
        "we sketched the new ingestion flow together",
        "I especially enjoyed the moment when we sketched the new ingestion flow together.",
    ),
    ("we both love Rust", "It was good to learn that we both love Rust."),
    (
        "We went deep on Postgres replication",
        "I especially enjoyed the moment when we went deep on Postgres replication.",
    ),
    ("I loved their focus on testing", "I loved your focus on testing."),
    (
        "I explained my approach to retries",
        "I especially enjoyed the moment when I explained my approach to retries.",
    ),
    (
        "I really enjoyed hearing about the incident culture",
        "I really enjoyed hearing about the incident culture.",
    ),
    (
        "I told her about my migration project at Initech",
        "I especially enjoyed the moment when I told you about my migration project at Initech.",
    ),
    ("I'm excited about the Rust migration", "I'm excited about the Rust migration."),
    (
        "i asked about the on-call rotation",
        "I especially enjoyed the moment when I asked about the on-call rotation.",
    ),
    ("I learned a lot about their SRE practice", "I learned a lot about your SRE practice."),
    (
        "I was impressed by how calm the team is about incidents",
        "I was impressed by how calm the team is about incidents.",
    ),
    (
        "I mentioned my AWS certification",
        "I especially enjoyed the moment when I mentioned my AWS certification.",
    ),
    (
        "I found her take on observability really useful",
        "I found your take on observability really useful.",
    ),
    (
        "how would I scale the ingestion pipeline?",
        "I especially enjoyed the moment when you asked how I would scale the ingestion pipeline.",
    ),
    (
        "what is my biggest weakness?",
        "I especially enjoyed the moment when you asked what my biggest weakness is.",
    ),
    ("how does the team deploy?", "I especially enjoyed our discussion of how the team deploys."),
    (
        "do I have experience with Go?",
        "I especially enjoyed the moment when you asked whether I have experience with Go.",
    ),
    ("is remote OK?", "I especially appreciated the question “Is remote OK?”"),
    (
        "how big was my last team?",
        "I especially appreciated your question, “How big was your last team?”",
    ),
    (
        "why did I leave my last job?",
        "I especially enjoyed the moment when you asked why I left my last job.",
    ),
    (
        "what would I do in the first 90 days?",
        "I especially enjoyed the moment when you asked what I would do in the first 90 days.",
    ),
    (
        "how do you handle on-call?",
        "I especially appreciated the question “How do you handle on-call?”",
    ),
    (
        "would I be open to relocating?",
        "I especially enjoyed the moment when you asked whether I would be open to relocating.",
    ),
    (
        "what does success look like after six months?",
        "I especially enjoyed our discussion of what success looks like after six months.",
    ),
    (
        "how did I handle the outage at Initech?",
        "I especially enjoyed the moment when you asked how I handled the outage at Initech.",
    ),
    ("can we ship weekly?", "I especially enjoyed our discussion of whether we could ship weekly."),
    (
        "where do I see myself in five years?",
        "I especially enjoyed the moment when you asked where I see myself in five years.",
    ),
    (
        "what's the team's biggest challenge?",
        "I especially enjoyed our discussion of what the team's biggest challenge is.",
    ),
    ("the on-call redesign", "I especially enjoyed our discussion of the on-call redesign."),
    (
        "his question on idempotent consumers",
        "I especially appreciated your question on idempotent consumers.",
    ),
    ("her walkthrough of the roadmap", "I especially appreciated your walkthrough of the roadmap."),
    ("Kafka consumers", "I especially enjoyed our discussion of Kafka consumers."),
    (
        "the plan for the new billing service",
        "I especially enjoyed our discussion of the plan for the new billing service.",
    ),
    ("team size?", "I especially enjoyed our discussion of team size."),
    ("my Kafka experience", "I especially enjoyed our discussion of my Kafka experience."),
    (
        "their move to event sourcing",
        "I especially enjoyed our discussion of your move to event sourcing.",
    ),
    ("distributed tracing", "I especially enjoyed our discussion of distributed tracing."),
    (
        "the whiteboard exercise on rate limiting",
        "I especially appreciated the whiteboard exercise on rate limiting.",
    ),
    (
        "his tips for the system design round",
        "I especially appreciated your tips for the system design round.",
    ),
    ("her feedback on my take-home", "I especially appreciated your feedback on my take-home."),
    ("code review culture", "I especially enjoyed our discussion of code review culture."),
    (
        "scaling the ingestion pipeline",
        "I especially enjoyed our discussion of scaling the ingestion pipeline.",
    ),
    (
        "the team's approach to incidents",
        "I especially enjoyed our discussion of the team's approach to incidents.",
    ),
    (
        "career growth for senior engineers",
        "I especially enjoyed our discussion of career growth for senior engineers.",
    ),
    (
        "you asked about my side project",
        "I especially enjoyed the moment when you asked about my side project.",
    ),
    (
        "You showed me the new design system",
        "I especially enjoyed the moment when you showed me the new design system.",
    ),
    (
        "you're rebuilding search from scratch",
        "It was good to learn that you're rebuilding search from scratch.",
    ),
    (
        '"How do you handle on-call?"',
        "I especially appreciated the question “How do you handle on-call?”",
    ),
    (
        'asked "how would you shard this?"',
        'I especially enjoyed the moment when you asked "how would you shard this?"',
    ),
    ('"We ship on Fridays"', "I especially appreciated the remark “We ship on Fridays.”"),
    (
        "'what would you build first?'",
        "I especially appreciated the question “What would you build first?”",
    ),
    ("thank her for the office tour", "Thank you as well for the office tour."),
    ("- asked about my tests...", "I especially enjoyed the moment when you asked about my tests."),
    ("Re: the on-call redesign", "I especially enjoyed our discussion of the on-call redesign."),
    ("about the hiring plan", "I especially enjoyed our discussion of the hiring plan."),
    (
        "she seemed to like my answer on caching",
        "I especially enjoyed the moment when you seemed to like my answer on caching.",
    ),
    (
        "her team's move to Kubernetes",
        "I especially enjoyed our discussion of your team's move to Kubernetes.",
    ),
    (
        "asked me whether I'd lead the migration",
        "I especially enjoyed the moment when you asked me whether I'd lead the migration.",
    ),
    (
        "He's hiring for a staff role too",
        "It was good to learn that you're hiring for a staff role too.",
    ),
    ("said they ship twice a day", "It was good to learn that you ship twice a day."),
    (
        "wondered how I'd mentor juniors",
        "I especially enjoyed the moment when you wondered how I'd mentor juniors.",
    ),
    (
        "the way she runs standups",
        "I especially enjoyed our discussion of the way you run standups.",
    ),
    (
        "Dana's question about my leadership style",
        "I especially appreciated your question about my leadership style.",
    ),
    (
        "talked about her time at Google",
        "I especially enjoyed the moment when we talked about your time at Google.",
    ),
    (
        "asked for an example of a hard conversation",
        "I especially enjoyed the moment when you asked for an example of a hard conversation.",
    ),
    (
        "cares a lot about documentation",
        "It was good to learn that you care a lot about documentation.",
    ),
    ("Kafka experience?", "I especially enjoyed our discussion of Kafka experience."),
    (
        "asked about my Kafka experience!!",
        "I especially enjoyed the moment when you asked about my Kafka experience.",
    ),
    ("“the on-call redesign”", "I especially enjoyed our discussion of the on-call redesign."),
    ("her take on monorepos", "I especially appreciated your take on monorepos."),
    (
        "the team offsite in Lisbon",
        "I especially enjoyed our discussion of the team offsite in Lisbon.",
    ),
    (
        "asked about my biggest failure and what I learned",
        "I especially enjoyed the moment when you asked about my biggest failure and what I learned.",
    ),
    (
        "She's interested in my Terraform modules",
        "It was good to learn that you're interested in my Terraform modules.",
    ),
    (
        "asked why Go and not Rust",
        "I especially enjoyed the moment when you asked why Go and not Rust.",
    ),
    (
        "told me the team is hiring a manager",
        "It was good to learn that the team is hiring a manager.",
    ),
    ("His team owns billing", "It was good to learn that your team owns billing."),
    (
        "is a big fan of trunk-based development",
        "It was good to learn that you are a big fan of trunk-based development.",
    ),
    (
        "wanted to hear more about my mentoring",
        "I especially enjoyed the moment when you wanted to hear more about my mentoring.",
    ),
    ("questions on my resume gap", "I especially appreciated your questions on my resume gap."),
    ("a great chat about remote culture", "I especially enjoyed our discussion of remote culture."),
    (
        "long discussion on testing strategy",
        "I especially enjoyed our discussion of testing strategy.",
    ),
    (
        "great question about observability",
        "I especially appreciated your great question about observability.",
    ),
    ("tips for the design round", "I especially appreciated your tips for the design round."),
    ("the tour of the new office", "I especially appreciated the tour of the new office."),
    (
        "my question about team size",
        "I especially enjoyed our discussion of my question about team size.",
    ),
    ("Lee's demo of the new CLI", "I especially appreciated Lee's demo of the new CLI."),
    (
        "explained the difference between staff and principal roles",
        "I especially enjoyed the moment when you explained the difference between staff and principal roles.",
    ),
    (
        "we agreed that tests matter more than coverage",
        "I especially enjoyed the moment when we agreed that tests matter more than coverage.",
    ),
    (
        "really liked my answer on idempotency",
        "It was good to learn that you really liked my answer on idempotency.",
    ),
    (
        "was impressed with my load-testing story",
        "I especially enjoyed the moment when you were impressed with my load-testing story.",
    ),
    (
        "grilled me on Postgres internals",
        "I especially enjoyed the moment when you grilled me on Postgres internals.",
    ),
    (
        "has two kids and loves hiking",
        "It was good to learn that you have two kids and love hiking.",
    ),
    (
        "mentioned she's leaving for a new role",
        "It was good to learn that you're leaving for a new role.",
    ),
    (
        "wants someone who can mentor juniors",
        "It was good to learn that you want someone who can mentor juniors.",
    ),
    ("hopes to launch in Q2", "It was good to learn that you hope to launch in Q2."),
    (
        "Q: how do I prioritise tech debt?",
        "I especially enjoyed the moment when you asked how I prioritise tech debt.",
    ),
    ("salary?", "I especially enjoyed our discussion of salary."),
    ("5 years of Go?", "I especially enjoyed our discussion of 5 years of Go."),
    ("on-call!", "I especially enjoyed our discussion of on-call."),
    (
        "the “golden path” for new services",
        "I especially enjoyed our discussion of the “golden path” for new services.",
    ),
    (
        "you you asked about my side project",
        "I especially enjoyed the moment when you asked about my side project.",
    ),
]
# Notes `check` refuses, with the reason it gives (the advice follows the reason).
REFUSED_NOTES: list[tuple[str, str]] = [
    ("mention my Kafka certification", "reads as a to-do, not as something from the conversation"),
    ("send her my portfolio", "reads as a to-do, not as something from the conversation"),
    ("follow up about salary", "reads as a to-do, not as something from the conversation"),
    ("explain the roadmap", "reads as an instruction"),
    ("ask about the team offsite", "reads as a to-do, not as something from the conversation"),
    ("asked about Kafka. wants to cut costs", "holds more than one point"),
    ("问了我关于Kafka的经验", "is not in English, the language of the messages"),
    ("ASKED ABOUT MY KAFKA EXPERIENCE", "is written in capitals"),
    (
        "asked about my Kafka experience; wants to cut costs; plans a rewrite",
        "holds more than one point",
    ),
    (
        "asked a lot of questions about my time at Initech and how I led the search rewrite and what I would do differently if I had to do it again with a bigger team",
        "has 34 words, too many for one sentence",
    ),
    (":)", "has no words"),
    ("didn't like my first answer on caching", "recalls a doubt"),
    ("she wasn't sure about my Go experience", "recalls a doubt"),
]
# Highlights go to every interviewer of a panel: the same sentence frames, no names.
HIGHLIGHTS: list[tuple[str, str]] = [
    (
        "your move to event sourcing",
        "I especially enjoyed our discussion of your move to event sourcing.",
    ),
    (
        "the migration to Kubernetes",
        "I especially enjoyed our discussion of the migration to Kubernetes.",
    ),
    (
        "how the team runs its incident reviews",
        "I especially enjoyed our discussion of how the team runs its incident reviews.",
    ),
    (
        "the plan for the new billing service",
        "I especially enjoyed our discussion of the plan for the new billing service.",
    ),
    (
        "their approach to on-call",
        "I especially enjoyed our discussion of your approach to on-call.",
    ),
    (
        "we compared back-pressure strategies",
        "I especially enjoyed the moment when we compared back-pressure strategies.",
    ),
    (
        "the team's focus on testing",
        "I especially enjoyed our discussion of the team's focus on testing.",
    ),
    (
        "my work on the Initech search rewrite",
        "I especially enjoyed our discussion of my work on the Initech search rewrite.",
    ),
    ("Postgres replication", "I especially enjoyed our discussion of Postgres replication."),
    ("the new design system", "I especially enjoyed our discussion of the new design system."),
    (
        "how they measure developer productivity",
        "I especially enjoyed our discussion of how you measure developer productivity.",
    ),
    (
        "the company's plans for Europe",
        "I especially enjoyed our discussion of the company's plans for Europe.",
    ),
    ("We talked about pairing", "I especially enjoyed the moment when we talked about pairing."),
    (
        "the 4-day work week pilot",
        "I especially enjoyed our discussion of the 4-day work week pilot.",
    ),
    (
        '"What would you build first?"',
        "I especially appreciated the question “What would you build first?”",
    ),
    (
        "career growth for senior engineers",
        "I especially enjoyed our discussion of career growth for senior engineers.",
    ),
    ("the team is growing fast", "It was good to learn that the team is growing fast."),
    (
        "their use of feature flags",
        "I especially enjoyed our discussion of your use of feature flags.",
    ),
    ("the incident in March", "I especially enjoyed our discussion of the incident in March."),
    (
        "how we would split the monolith",
        "I especially enjoyed our discussion of how we would split the monolith.",
    ),
    (
        "my open-source work on OpenTelemetry",
        "I especially enjoyed our discussion of my open-source work on OpenTelemetry.",
    ),
    (
        "the roadmap for next year",
        "I especially enjoyed our discussion of the roadmap for next year.",
    ),
    (
        "the culture of blameless postmortems",
        "I especially enjoyed our discussion of the culture of blameless postmortems.",
    ),
    ("Kafka", "I especially enjoyed our discussion of Kafka."),
    (
        "the hackathon they run every quarter",
        "I especially enjoyed our discussion of the hackathon you run every quarter.",
    ),
    (
        "cost savings from the cache layer",
        "I especially enjoyed our discussion of cost savings from the cache layer.",
    ),
    ("remote work", "I especially enjoyed our discussion of remote work."),
    (
        "what success looks like in the first year",
        "I especially enjoyed our discussion of what success looks like in the first year.",
    ),
    (
        "how do you onboard new engineers?",
        "I especially appreciated the question “How do you onboard new engineers?”",
    ),
    (
        "Discussed the data platform.",
        "I especially enjoyed the moment when we discussed the data platform.",
    ),
    (
        "the move from REST to gRPC",
        "I especially enjoyed our discussion of the move from REST to gRPC.",
    ),
    ("the team's on-call load", "I especially enjoyed our discussion of the team's on-call load."),
    (
        "building the new search index",
        "I especially enjoyed our discussion of building the new search index.",
    ),
    (
        "Their investment in developer tooling",
        "I especially enjoyed our discussion of your investment in developer tooling.",
    ),
    (
        "the trade-offs of a monorepo",
        "I especially enjoyed our discussion of the trade-offs of a monorepo.",
    ),
    (
        "the migration of the payments API to the new cluster",
        "I especially enjoyed our discussion of the migration of the payments API to the new cluster.",
    ),
    (
        "we all agreed on the need for better tests",
        "I especially enjoyed the moment when we all agreed on the need for better tests.",
    ),
    (
        "the partnership with Initech",
        "I especially enjoyed our discussion of the partnership with Initech.",
    ),
    (
        "how I'd approach the first 90 days",
        "I especially enjoyed our discussion of how I'd approach the first 90 days.",
    ),
]
REFUSED_HIGHLIGHTS: list[tuple[str, str]] = [
    ("asked about my Kafka experience", "says what one person did"),
    ("she asked about my leadership style", "says what one person did"),
    ("his on-call rotation redesign", "says what one person did"),
    ("mention my AWS certification", "reads as a to-do, not as something from the conversation"),
]
