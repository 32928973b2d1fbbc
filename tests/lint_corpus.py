"""Messages a career coach would sign, and messages a coach would send back, for the lint.

GOOD holds messages written the way the usual advice says (thank within a day, be specific,
restate interest, keep it short, follow up politely with a date and an offer, answer a
rejection graciously, stay in touch), rewritten in our own words. BAD holds messages that each
break one rule, labelled with the lint rule that should catch it; most are a GOOD message with
one sentence changed, as real mistakes are. test_lint_corpus.py measures the catch rate and the
false-positive rate.
"""

# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass

SIG = "Alex Rivera\n+1 555 0100\nlinkedin.com/in/alexrivera"


@dataclass(frozen=True)
class Sample:
    to: str  # dana, lee, kim, sam (recruiter) at Acme Corp; priya at Yahoo!; omar at Initech Inc.
    step: str
    subject: str
    body: str


@dataclass(frozen=True)
class Bad:
    rule: str  # the lint rule that should catch it
    base: int  # the GOOD sample it starts from
    old: str  # the words replaced (in the body, or in the subject when `subject` is set)
    new: str
    subject: bool = False


T = "Thank you – Senior Backend Engineer interview at Acme Corp"
F = "Following up – Senior Backend Engineer interview at Acme Corp"
R = "Re: " + T
GOOD: list[Sample] = [
    # 0-29: thank-you notes
    Sample(
        "dana",
        "thank_you",
        T,
        f"Hi Dana,\n\nThank you for speaking with me yesterday about the Senior Backend Engineer role. I especially enjoyed the moment when you asked how I would cut on-call load.\n\nI am excited about the team's direction and confident I could contribute from the start.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "thank_you",
        T,
        f"Dear Dana,\n\nThank you for your time this afternoon. When you asked how I would cut on-call load, I realised how much I would enjoy working on exactly that problem with your team.\n\nI remain very interested in the role, and I would be glad to share the runbook I wrote for my current team.\n\nKind regards,\n{SIG}\n",
    ),
    Sample(
        "lee",
        "thank_you",
        T,
        f"Hello Lee,\n\nMany thanks for meeting with me today. Hearing about your move to event sourcing was the highlight of the afternoon for me.\n\nI would love to join the team, and I believe my work on event-driven billing would carry over well.\n\nAll the best,\n{SIG}\n",
    ),
    Sample(
        "kim",
        "thank_you",
        T,
        f"Dear Dr. Wu,\n\nThank you for taking the time to meet with me on Friday. I appreciated that you walked me through the roadmap; it made the priorities for next year very clear.\n\nI am enthusiastic about the Senior Backend Engineer position and what I could bring to it.\n\nWith thanks,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "thank_you",
        "Thank you, Dana – Acme Corp interview",
        f"Hi Dana,\n\nI wanted to thank you for our conversation yesterday. You asked how I would cut on-call load, and I have kept thinking about it since.\n\nOne thing I did not mention: at my current job I reduced pages by forty percent in six months. I am keen to bring that experience to Acme Corp.\n\nBest,\n{SIG}\n",
    ),
    Sample(
        "lee",
        "thank_you",
        "Thanks for your time – Senior Backend Engineer",
        f"Hi Lee,\n\nThank you for the thoughtful questions during my interview. Our discussion of your move to event sourcing was especially useful to me.\n\nI look forward to hearing about the next steps.\n\nWarm regards,\n{SIG}\n",
    ),
    Sample(
        "kim",
        "thank_you",
        T,
        f"Dear Dr. Wu,\n\nThank you for a very engaging conversation. The way you walked me through the roadmap showed me how product and engineering plan together at Acme Corp.\n\nI am more interested than ever in the role, and I hope we can continue the conversation soon.\n\nSincerely,\n{SIG}\n",
    ),
    Sample(
        "priya",
        "thank_you",
        "Thank you – Data Engineer interview at Yahoo!",
        f"Hi Priya,\n\nThank you for speaking with me today about the Data Engineer role at Yahoo! I really enjoyed the moment when you walked me through the ingestion pipeline.\n\nI am excited about the chance to help the team scale it.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "omar",
        "thank_you",
        "Thank you – Platform Engineer interview at Initech Inc.",
        f"Dear Omar,\n\nThank you for meeting with me at Initech Inc. this morning. I especially valued your explanation of the deployment pipeline.\n\nI am eager to contribute to the platform team and would be glad to answer any further questions.\n\nKind regards,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "thank_you",
        T,
        f"Hi Dana,\n\nThank you for the interview on Tuesday. I enjoyed it when you asked how I would cut on-call load, because it is a problem I care about.\n\nIf it helps, I can send a short write-up of how my team handled a similar situation. I look forward to the next steps.\n\nAll the best,\n{SIG}\n",
    ),
    Sample(
        "lee",
        "thank_you",
        T,
        f"Dear Lee,\n\nI appreciated your time on Thursday and your candid answers. I found our exchange on your move to event sourcing genuinely useful.\n\nThe role fits the work I want to do next, and I would welcome the chance to join you.\n\nBest wishes,\n{SIG}\n",
    ),
    Sample(
        "kim",
        "thank_you",
        "Thank you for the conversation – Acme Corp",
        f"Dear Dr. Wu,\n\nThank you for meeting with me today. I was grateful that you walked me through the roadmap in such detail.\n\nAlthough I did not mention it, I led a similar planning process at my last company, and I am keen to do it again at Acme Corp.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "thank_you",
        T,
        f"Hello Dana,\n\nThank you for a great conversation this morning! It was a pleasure to talk about how I would cut on-call load.\n\nI am very interested in the role and happy to provide references whenever they would help.\n\nKind regards,\n{SIG}\n",
    ),
    Sample(
        "lee",
        "thank_you",
        T,
        "Hi Lee,\n\nThank you for the interview today. It was good to learn about your move to event sourcing and the reasons behind it.\n\nI am enthusiastic about the opportunity, and I hope to hear from you soon.\n\nAll the best,\nAlex Rivera | +1 555 0100 | linkedin.com/in/alexrivera\n",
    ),
    Sample(
        "kim",
        "thank_you",
        T,
        f"Dear Dr. Wu,\n\nThank you for your time yesterday. After you walked me through the roadmap, I could picture how my experience with data platforms would fit.\n\nI remain keen on the position and would be happy to discuss it further.\n\nRegards,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "thank_you",
        T,
        f"Hi Dana,\n\nThanks so much for meeting with me. I liked that you asked how I would cut on-call load rather than a textbook question.\n\nThe conversation confirmed my interest in the team.\n\nBest,\n{SIG}\n",
    ),
    Sample(
        "lee",
        "thank_you",
        T,
        f"Hello Lee,\n\nThank you for showing me how the team works. Talking about your move to event sourcing made the architecture much easier to understand.\n\nI am excited by the role, and I look forward to staying in touch.\n\nWarm regards,\n{SIG}\n",
    ),
    Sample(
        "kim",
        "thank_you",
        T,
        f"Dear Dr. Wu,\n\nI am grateful for the time you spent with me today. When you walked me through the roadmap, I noticed how many of the goals match projects I have delivered.\n\nI would welcome the opportunity to contribute.\n\nSincerely,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "thank_you",
        T,
        f"Hi Dana,\n\nThank you for the conversation on Monday. Since you asked how I would cut on-call load, I sketched a short plan; I would be happy to walk you through it.\n\nI am very interested in the position.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "priya",
        "thank_you",
        "Thank you – Yahoo! Data Engineer interview",
        f"Dear Priya,\n\nThank you for our conversation this afternoon. It was great to see how you walked me through the ingestion pipeline step by step.\n\nI remain excited about joining Yahoo! and contributing to the data team.\n\nKind regards,\n{SIG}\n",
    ),
    Sample(
        "lee",
        "thank_you",
        T,
        f"Hi Lee,\n\nThank you for interviewing me today. Your move to event sourcing is the kind of change I enjoy working on.\n\nI look forward to hearing from you.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "thank_you",
        T,
        f"Dear Dana,\n\nThank you again for the interview. Your question on how I would cut on-call load was a good reminder of how much I enjoy reliability work.\n\nI am keen to continue the conversation.\n\nRegards,\n{SIG}\n",
    ),
    Sample(
        "kim",
        "thank_you",
        T,
        f"Dear Dr. Wu,\n\nMany thanks for the time today. I came away impressed after you walked me through the roadmap.\n\nI am excited about the chance to help deliver it.\n\nAll the best,\n{SIG}\n",
    ),
    Sample(
        "omar",
        "thank_you",
        "Thank you – Initech Inc. platform interview",
        f"Hi Omar,\n\nThank you for the tour and the interview today. I enjoyed your explanation of the deployment pipeline at Initech Inc. and the plans to simplify it.\n\nI would love to help with that work, and I look forward to the next steps.\n\nBest,\n{SIG}\n",
    ),
    Sample(
        "lee",
        "thank_you",
        T,
        f"Dear Lee,\n\nThank you for your time this week. I keep coming back to our talk about your move to event sourcing.\n\nI am interested in the role and would be glad to provide anything else you need.\n\nKind regards,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "thank_you",
        T,
        f"Hi Dana,\n\nThank you for the interview today. When you asked how I would cut on-call load, I mentioned alert budgets; I have attached the short summary I promised.\n\nI look forward to hearing from you.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "kim",
        "thank_you",
        T,
        f"Dear Dr. Wu,\n\nThank you for the generous time you gave me today. I valued the way you walked me through the roadmap and the trade-offs behind it.\n\nI am enthusiastic about the role.\n\nWith thanks,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "thank_you",
        T,
        f"Dear Dana,\n\nThank you for meeting me yesterday. I was glad you asked how I would cut on-call load, since reliability is where I do my best work.\n\nI remain very interested, and I hope we can speak again soon.\n\nBest wishes,\n{SIG}\n",
    ),
    Sample(
        "lee",
        "thank_you",
        T,
        f"Hi Lee,\n\nThank you for the conversation earlier today. Learning about your move to event sourcing made me even more excited about the team.\n\nPlease let me know if I can provide anything else.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "priya",
        "thank_you",
        "Thank you for the interview – Data Engineer",
        f"Hi Priya,\n\nThank you for the interview this morning. The moment you walked me through the ingestion pipeline was the most useful part of my day.\n\nI am keen to help Yahoo! make it faster.\n\nAll the best,\n{SIG}\n",
    ),
    # 30-44: follow-up nudges
    Sample(
        "sam",
        "followup-1",
        F,
        f"Hi Sam,\n\nI hope you are well. I am following up on my interview for the Senior Backend Engineer role on Friday, November 20. Could you share where things stand on the timeline?\n\nI remain very interested in the position and happy to provide references.\n\nThank you,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "followup-1",
        R,
        f"Hi Sam,\n\nI hope your week is going well. You mentioned a decision was expected by November 27, so I wanted to ask about the next steps.\n\nI am still excited about the role, and I would be glad to send work samples if useful.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "followup-1",
        R,
        f"Dear Dana,\n\nI wanted to follow up on my interview for the Senior Backend Engineer role. I know these decisions take time; could you let me know what the next steps are?\n\nI remain very interested and look forward to hearing from you.\n\nKind regards,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "followup-2",
        R,
        f"Hi Sam,\n\nI wanted to check in once more about the Senior Backend Engineer role. I understand these decisions take time, and I remain very interested in joining Acme Corp.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "followup-1",
        F,
        f"Hello Sam,\n\nThank you again for arranging my interviews last week. I would be grateful for any update you can share on the timeline for the Senior Backend Engineer role.\n\nI am still very keen on the position.\n\nAll the best,\n{SIG}\n",
    ),
    Sample(
        "priya",
        "followup-1",
        "Following up – Data Engineer interview at Yahoo!",
        f"Hi Priya,\n\nI hope all is well. I am writing to follow up on my Data Engineer interview on Tuesday. Is there anything else I can provide to help with your decision?\n\nI remain excited about the opportunity.\n\nKind regards,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "followup-2",
        R,
        f"Hi Sam,\n\nI hope you are doing well. I am still very interested in the Senior Backend Engineer position, and I would be happy to share anything else that would help.\n\nWith thanks,\n{SIG}\n",
    ),
    Sample(
        "omar",
        "followup-1",
        "Following up – Platform Engineer at Initech Inc.",
        f"Dear Omar,\n\nI hope you had a good week. I wanted to follow up on our conversation about the Platform Engineer role at Initech Inc. and ask whether there is news on the next steps.\n\nI remain enthusiastic about the team.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "followup-1",
        R,
        f"Hi Sam,\n\nI hope you are well. Since the team hoped to decide by the end of November, I wanted to check where things stand.\n\nI remain keen on the role, and I can send references or a code sample at any time.\n\nThank you for your help,\n{SIG}\n",
    ),
    Sample(
        "lee",
        "followup-1",
        R,
        f"Hello Lee,\n\nI hope the week has been kind to you. I am following up on our conversation about the Senior Backend Engineer role; is there any news on the timeline?\n\nI look forward to hearing from you.\n\nBest wishes,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "followup-2",
        R,
        f"Hi Sam,\n\nI know hiring decisions can take a while, so I wanted to gently check in. I am still very interested in Acme Corp and happy to help with anything you need.\n\nAll the best,\n{SIG}\n",
    ),
    Sample(
        "kim",
        "followup-1",
        R,
        f"Dear Dr. Wu,\n\nI hope you are well. I am following up on my interview for the Senior Backend Engineer role and wondered whether you could share the next steps.\n\nI remain very interested and would be glad to answer further questions.\n\nKind regards,\n{SIG}\n",
    ),
    Sample(
        "priya",
        "followup-2",
        "Re: Thank you – Data Engineer interview at Yahoo!",
        f"Hi Priya,\n\nI wanted to check in once more about the Data Engineer role. I am still excited about Yahoo! and happy to provide anything else that would help.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "followup-1",
        F,
        f"Hello Sam,\n\nI hope you are having a good week. I interviewed for the Senior Backend Engineer role on November 20 and wanted to ask whether there is an update on the timeline.\n\nI am still keen on the role and can send references if helpful.\n\nWarm regards,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "followup-2",
        R,
        f"Hi Dana,\n\nI hope all is well. I wanted to follow up once more; I remain very interested in the role and would be glad to provide any further information.\n\nThank you for your time,\n{SIG}\n",
    ),
    # 45-54: replies to a rejection
    Sample(
        "sam",
        "rejection",
        "Re: Your application at Acme Corp",
        f"Hi Sam,\n\nThank you for letting me know about your decision. Although I am disappointed, I enjoyed meeting the team and learning about Acme Corp.\n\nIf you have a moment, I would be grateful for any feedback. I remain interested in future openings and hope we can stay in touch.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "rejection",
        "Re: Senior Backend Engineer – update",
        f"Dear Sam,\n\nThank you for the update, and for the time you and the team spent with me. I am disappointed, of course, but I appreciated the chance to interview.\n\nAny feedback you could share would help me grow. I would welcome being considered for future roles.\n\nKind regards,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "rejection",
        "Re: Your interview at Acme Corp",
        f"Hi Dana,\n\nThank you for telling me personally. I learned a lot from our conversation about on-call load.\n\nI would be grateful for any feedback on my interviews, and I hope our paths cross again; I remain very interested in Acme Corp.\n\nAll the best,\n{SIG}\n",
    ),
    Sample(
        "priya",
        "rejection",
        "Re: Data Engineer application",
        f"Hi Priya,\n\nThank you for letting me know. While I am a little disappointed, I really enjoyed learning about the data team at Yahoo!\n\nIf you are able to share feedback, I would value it. I remain interested in future roles and hope to stay in touch.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "rejection",
        "Re: Acme Corp – next steps",
        f"Hello Sam,\n\nThank you for the news and for guiding me through the process. I enjoyed every conversation with the team.\n\nI would appreciate any feedback you can offer, and I would be glad to be considered for future openings.\n\nWarm regards,\n{SIG}\n",
    ),
    Sample(
        "omar",
        "rejection",
        "Re: Platform Engineer – Initech Inc.",
        f"Dear Omar,\n\nThank you for letting me know and for the time you invested in my interviews. I enjoyed learning about the platform team.\n\nIf possible, I would be grateful for feedback. I hope we can stay in touch, and I remain interested in Initech Inc.\n\nBest wishes,\n{SIG}\n",
    ),
    Sample(
        "kim",
        "rejection",
        "Re: Senior Backend Engineer decision",
        f"Dear Dr. Wu,\n\nThank you for your message and for your kindness during the process. I understand the decision and wish the team every success.\n\nI would welcome any feedback, and I remain interested in working with Acme Corp in the future.\n\nSincerely,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "rejection",
        "Re: Update on your application",
        f"Hi Sam,\n\nThank you for letting me know. Naturally I am disappointed, but I am grateful for the chance to meet such a strong team.\n\nAny feedback would be very welcome. I hope to stay in touch and remain interested in future roles.\n\nKind regards,\n{SIG}\n",
    ),
    Sample(
        "lee",
        "rejection",
        "Re: Acme Corp interview",
        f"Hi Lee,\n\nThank you for the kind note. I enjoyed our discussion about event sourcing and learned a great deal.\n\nIf you have any feedback for me, I would be glad to hear it. I remain interested in the team and hope we stay in touch.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "rejection",
        "Re: Senior Backend Engineer – Acme Corp",
        f"Dear Dana,\n\nThank you for letting me know about the decision. It was a pleasure to meet you, and I appreciated your candour throughout.\n\nI would be grateful for any feedback, and I would welcome the chance to apply again.\n\nAll the best,\n{SIG}\n",
    ),
    # 55-63: staying in touch
    Sample(
        "sam",
        "stay_in_touch",
        "Staying in touch – Senior Backend Engineer at Acme Corp",
        f"Hi Sam,\n\nI hope things are going well at Acme Corp. A few weeks ago you let me know about the decision, and I wanted to thank you again for your help.\n\nI continue to follow the team's work with interest and would be glad to be considered for future openings.\n\nAll the best,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "stay_in_touch",
        "Staying in touch – Acme Corp",
        f"Hi Dana,\n\nI hope you are well. I still think about our conversation on on-call load, and I recently wrote a short article on the topic that you might enjoy.\n\nI remain interested in Acme Corp and hope we can keep in touch.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "priya",
        "stay_in_touch",
        "Staying in touch – Yahoo! data team",
        f"Hi Priya,\n\nI hope the data team at Yahoo! is doing well. I wanted to share that I finished the streaming course we talked about.\n\nI remain very interested in future openings and would love to stay in touch.\n\nKind regards,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "stay_in_touch",
        "Staying in touch – Acme Corp",
        f"Hello Sam,\n\nI hope you are well. I interviewed for the Senior Backend Engineer role in November and wanted to stay in touch.\n\nI remain interested in Acme Corp and its work, and I would be glad to hear about future openings whenever the timing is right.\n\nWarm regards,\n{SIG}\n",
    ),
    Sample(
        "omar",
        "stay_in_touch",
        "Staying in touch – Initech Inc.",
        f"Dear Omar,\n\nI hope all is well at Initech Inc. Since we spoke, I have led a migration much like the one you described, and I thought you might like to hear how it went.\n\nI remain interested in the platform team and hope we can keep in touch.\n\nBest wishes,\n{SIG}\n",
    ),
    Sample(
        "kim",
        "stay_in_touch",
        "Staying in touch – Acme Corp roadmap",
        f"Dear Dr. Wu,\n\nI hope the roadmap is going well. I saw the launch announcement last week and wanted to congratulate you and the team.\n\nI remain keen on working with Acme Corp one day and would be glad to stay in touch.\n\nSincerely,\n{SIG}\n",
    ),
    Sample(
        "lee",
        "stay_in_touch",
        "Staying in touch – Acme Corp",
        f"Hi Lee,\n\nI hope you are doing well. I came across an article about event sourcing in billing systems and thought of our conversation.\n\nI remain interested in the team and hope we stay in touch.\n\nAll the best,\n{SIG}\n",
    ),
    Sample(
        "sam",
        "stay_in_touch",
        "Checking in – Senior Backend Engineer at Acme Corp",
        f"Hi Sam,\n\nI hope things are well with you. I wanted to reach out and keep in touch; I remain very interested in Acme Corp and in any future roles on the backend team.\n\nBest regards,\n{SIG}\n",
    ),
    Sample(
        "dana",
        "stay_in_touch",
        "Staying in touch – Acme Corp backend team",
        f"Dear Dana,\n\nI hope you and the team are well. I have been applying some of your on-call ideas at work, with good results so far.\n\nI would be glad to stay in touch and remain interested in future openings.\n\nKind regards,\n{SIG}\n",
    ),
]

BAD: list[Bad] = [
    # greeting: no name, wrong register
    Bad("greeting", 0, "Hi Dana,", "Hi there,"),
    Bad("greeting", 3, "Dear Dr. Wu,", "Hi Dr. Wu,"),
    Bad("greeting", 30, "Hi Sam,", "To whom it may concern,"),
    Bad("greeting", 19, "Dear Priya,", "Dear Hiring Manager,"),
    Bad("greeting", 45, "Hi Sam,", "Hello,"),
    # specific-point: nothing from the conversation
    Bad(
        "specific-point",
        0,
        "I especially enjoyed the moment when you asked how I would cut on-call load.",
        "I enjoyed learning about the company.",
    ),
    Bad(
        "specific-point",
        2,
        "Hearing about your move to event sourcing was the highlight of the afternoon for me.",
        "It was a great conversation.",
    ),
    Bad(
        "specific-point",
        6,
        "The way you walked me through the roadmap showed me how product and engineering plan together at Acme Corp.",
        "It was good to learn more about the team.",
    ),
    Bad(
        "specific-point",
        23,
        "I enjoyed your explanation of the deployment pipeline at Initech Inc. and the plans to simplify it.",
        "I enjoyed the day.",
    ),
    # gratitude
    Bad("gratitude", 0, "Thank you for speaking with me yesterday", "I spoke with you yesterday"),
    Bad("gratitude", 20, "Thank you for interviewing me today.", "I interviewed with you today."),
    Bad(
        "gratitude",
        26,
        "Thank you for the generous time you gave me today. I valued",
        "I met you today. I noted",
    ),
    # interest
    Bad("interest", 0, "I am excited about the team's direction and confident", "I am confident"),
    Bad("interest", 20, "I look forward to hearing from you.", "Let me know."),
    Bad("interest", 31, "I am still excited about the role, and I", "I"),
    Bad(
        "interest",
        45,
        "I remain interested in future openings and hope we can stay in touch.",
        "I hope we can stay in touch.",
    ),
    # subject: vague, long, missing
    Bad("subject", 0, T, "Following up", subject=True),
    Bad("subject", 30, F, "Checking in", subject=True),
    Bad("subject", 2, T, "Hi", subject=True),
    Bad("subject", 5, "Thanks for your time – Senior Backend Engineer", "", subject=True),
    Bad(
        "subject",
        34,
        F,
        "Following up on my application and the interviews I had with several people on your team last week",
        subject=True,
    ),
    Bad(
        "subject",
        55,
        "Staying in touch – Senior Backend Engineer at Acme Corp",
        "Quick question",
        subject=True,
    ),
    # word-count
    Bad(
        "word-count",
        0,
        "I am excited about the team's direction",
        "I am excited about the team's direction. "
        + "I have spent the last eight years building backend systems for payments, search and logistics companies, where I designed services, mentored engineers, ran incident reviews, improved our deployment process, rewrote the alerting rules, introduced tracing, reduced costs, and worked closely with product managers on quarterly plans. "
        * 4
        + "In short",
    ),
    Bad(
        "word-count",
        33,
        "I understand these decisions take time",
        "I understand these decisions take time. "
        + "Since our conversation I have finished two projects at work, published an article on event sourcing, started a course on distributed systems, and reflected a great deal on the questions the panel asked me about reliability, on-call and the team's plans for the coming year. "
        * 2
        + "All in all",
    ),
    Bad(
        "word-count",
        30,
        "I remain very interested",
        "I have also been thinking about the role a great deal, about the team, the product, the technology and the people I met, and about how my background in payments, reliability, mentoring and architecture would let me contribute quickly and well across many of the areas we discussed during the day, from the billing platform and its migration plans to the way the on-call rotation is organised and the tooling that supports it. I remain very interested",
    ),
    # signature
    Bad("signature", 0, f"Best regards,\n{SIG}\n", "Best regards,\nAlex\n"),
    Bad("signature", 2, f"All the best,\n{SIG}\n", "All the best,\nAlex Rivera\n"),
    Bad("signature", 30, f"Thank you,\n{SIG}\n", "Thank you,\nSent from my phone\n"),
    Bad("signature", 45, f"Best regards,\n{SIG}\n", "Best regards\n"),
    # pushy: pressure, deadlines, ultimatums, pointed reminders
    Bad(
        "pushy",
        30,
        "Could you share where things stand on the timeline?",
        "Per my last email, could you share where things stand on the timeline?",
    ),
    Bad("pushy", 30, "Could you share where things stand on the timeline?", "Any update?"),
    Bad(
        "pushy",
        31,
        "so I wanted to ask about the next steps.",
        "so I need a decision by Friday, otherwise I will accept another offer.",
    ),
    Bad("pushy", 33, "I wanted to check in once more about", "Just checking in again about"),
    Bad(
        "pushy",
        33,
        "I understand these decisions take time, and I",
        "I haven't heard back from you yet, and I",
    ),
    Bad(
        "pushy",
        34,
        "I would be grateful for any update you can share on the timeline",
        "Please get back to me ASAP on the timeline",
    ),
    Bad(
        "pushy",
        35,
        "Is there anything else I can provide to help with your decision?",
        "As I mentioned in my last email, I need an answer this week.",
    ),
    Bad("pushy", 38, "I wanted to check where things stand.", "I need to hear back by Monday."),
    Bad(
        "pushy",
        40,
        "I know hiring decisions can take a while, so I wanted to gently check in.",
        "Did you get my last email? I am still waiting for a reply.",
    ),
    Bad(
        "pushy",
        41,
        "wondered whether you could share the next steps.",
        "would like a response by end of day.",
    ),
    Bad(
        "pushy",
        43,
        "wanted to ask whether there is an update on the timeline.",
        "will assume you are not interested if I don't hear back by Friday.",
    ),
    Bad(
        "pushy",
        36,
        "I hope you are doing well.",
        "Friendly reminder that I am still waiting on your decision.",
    ),
    # tone: complaints, desperation, self-deprecation
    Bad(
        "tone",
        30,
        "I remain very interested in the position",
        "I really need this job and remain very interested in the position",
    ),
    Bad(
        "tone", 32, "I know these decisions take time;", "Frankly the process has been frustrating;"
    ),
    Bad(
        "tone",
        0,
        "I am excited about the team's direction",
        "I know I'm not the most qualified candidate, but I am excited about the team's direction",
    ),
    Bad(
        "tone",
        45,
        "Although I am disappointed, I enjoyed meeting the team",
        "I think the decision is unfair, and the interviews were disorganized, but I enjoyed meeting the team",
    ),
    Bad(
        "tone",
        46,
        "I am disappointed, of course, but I appreciated",
        "Honestly it was a waste of my time, but I appreciated",
    ),
    Bad(
        "tone",
        9,
        "I look forward to the next steps.",
        "Sorry to bother you again, and I look forward to the next steps.",
    ),
    Bad("tone", 31, "I am still excited about the role", "I am desperate for this role"),
    # informal
    Bad("informal", 0, "Hi Dana,", "Hey Dana,"),
    Bad(
        "informal",
        15,
        "Thanks so much for meeting with me.",
        "Thx so much for meeting w me, it was gr8 :)",
    ),
    Bad("informal", 30, "I remain very interested", "I am SUPER interested"),
    Bad(
        "informal",
        20,
        "I look forward to hearing from you.",
        "I look forward to hearing from you 🙂",
    ),
    Bad("informal", 44, "I hope all is well.", "Hope u r well lol."),
    # exclamations (our own, not the company's)
    Bad(
        "exclamations",
        0,
        "I am excited about the team's direction",
        "I am so excited about the team's direction!!",
    ),
    Bad(
        "exclamations", 12, "I am very interested in the role", "I am very interested in the role!"
    ),
    Bad(
        "exclamations",
        7,
        "I am excited about the chance to help the team scale it.",
        "I am excited about the chance to help the team scale it! Thanks again!",
    ),
    # fragment: glued pieces
    Bad(
        "fragment",
        0,
        "you asked how I would cut on-call load",
        "you She asked how I would cut on-call load",
    ),
    Bad("fragment", 2, "Hearing about your move", "Hearing about about your move"),
    Bad(
        "fragment",
        3,
        "the priorities for next year very clear.",
        "the priorities for next year very clear?.",
    ),
    Bad("fragment", 8, "this morning.", "this morning.."),
    Bad("fragment", 10, "and your candid answers.", "and your candid answers,,"),
    Bad("fragment", 14, "After you walked me", "After you you walked me"),
    Bad(
        "fragment",
        21,
        "Your question on how I would cut on-call load was",
        "Your question on how I would cut on-call load. was",
    ),
    # repetition
    Bad(
        "repetition",
        0,
        "I am excited about the team's direction and confident I could contribute from the start.",
        "I am excited about the role. I am excited about the team. I am excited to contribute.",
    ),
    Bad(
        "repetition",
        20,
        "Your move to event sourcing is the kind of change I enjoy working on.",
        "Your move to event sourcing is a great project. The team is great. The role sounds great.",
    ),
    Bad(
        "repetition",
        30,
        "I remain very interested in the position and happy to provide references.",
        "I would be glad to talk more. I would be happy to send references.",
    ),
]
