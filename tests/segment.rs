//! segment: turn counts and speakers on the corpus, other label formats, and the same
//! interview in two formats giving the same turns.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;
use zhpipe::Pipeline;

fn segments(path: &str) -> Vec<Value> {
    let bytes = std::fs::read(path).unwrap();
    let out = Pipeline::builtin().unwrap().process_bytes(path, bytes).unwrap();
    common::records(&out.jsonl()).into_iter().filter(|r| r["type"] == "segment").collect()
}

fn seed_segments(prefix: &str) -> Vec<Value> {
    segments(common::seed(prefix).to_str().unwrap())
}

/// (speaker id, role) → number of turns.
fn turn_counts(segs: &[Value]) -> BTreeMap<(String, String), usize> {
    let mut m = BTreeMap::new();
    for s in segs.iter().filter(|s| s["kind"] == "turn") {
        let key = (
            s["speaker"]["id"].as_str().unwrap().to_owned(),
            s["speaker"]["role"].as_str().unwrap().to_owned(),
        );
        *m.entry(key).or_insert(0) += 1;
    }
    m
}

fn counts(pairs: &[(&str, &str, usize)]) -> BTreeMap<(String, String), usize> {
    pairs.iter().map(|(id, role, n)| ((id.to_string(), role.to_string()), *n)).collect()
}

#[test]
fn wechat_transcript_has_23_host_and_23_musk_turns() {
    let segs = seed_segments("000_");
    assert_eq!(turn_counts(&segs), counts(&[("elon-musk", "guest", 23), ("host", "host", 23)]));
    let musk = segs.iter().find(|s| s["speaker"]["id"] == "elon-musk").unwrap();
    assert_eq!(musk["speaker"]["zh_hans"], "马斯克");
    assert_eq!(musk["speaker"]["zh_hant"], "馬斯克");
    assert_eq!(musk["speaker"]["en"], "Elon Musk");
    // Turns carry their section.
    assert!(musk["section"]["zh_hans"].as_str().unwrap().contains("Starship"), "{musk}");
}

#[test]
fn hk_transcript_has_26_mark_penn_and_26_musk_turns() {
    let segs = seed_segments("001_");
    assert_eq!(
        turn_counts(&segs),
        counts(&[("elon-musk", "guest", 26), ("mark-penn", "host", 26)])
    );
    let highlights = segs.iter().filter(|s| s["kind"] == "highlight").count();
    assert_eq!(highlights, 8, "以下是採訪亮點 items 1-8");
}

#[test]
fn netease_transcript_turns_match_the_labels_in_the_file() {
    let path = common::seed("002_");
    let text = std::fs::read_to_string(&path).unwrap();
    let labels = |name: &str| text.lines().filter(|l| l.trim() == format!("{name}:")).count();
    let segs = segments(path.to_str().unwrap());
    let got = turn_counts(&segs);
    let by_id = |id: &str| got.iter().filter(|((i, _), _)| i == id).map(|(_, n)| *n).sum::<usize>();
    assert_eq!(by_id("elon-musk"), labels("埃隆·馬斯克"));
    assert_eq!(by_id("dwarkesh-patel"), labels("德瓦克什·帕特爾"));
    assert_eq!(by_id("john-collison"), labels("約翰·科里森"));
    assert!(by_id("elon-musk") > 100);
}

#[test]
fn qa_bracket_and_inline_formats() {
    let qa = segments("corpus/formats/qa_wenda.txt");
    assert_eq!(turn_counts(&qa), counts(&[("answer", "guest", 3), ("question", "host", 3)]));
    let narration = qa.last().unwrap();
    assert_eq!(narration["kind"], "paragraph", "黄仁勋说：… is narration, not a turn");
    assert!(qa.iter().any(|s| s["kind"] == "turn" && s["directions"][0] == "笑"));

    let latin = segments("corpus/formats/qa_latin.txt");
    assert_eq!(turn_counts(&latin), counts(&[("answer", "guest", 4), ("question", "host", 3)]));

    let bracket = segments("corpus/formats/bracket.txt");
    assert_eq!(turn_counts(&bracket), counts(&[("elon-musk", "guest", 2), ("host", "host", 3)]));
    assert!(
        bracket[3]["zh_hans"].as_str().unwrap().contains('\n'),
        "a two-paragraph turn keeps its break"
    );

    let inline = segments("corpus/formats/inline_colon.txt");
    assert_eq!(
        turn_counts(&inline),
        counts(&[("elon-musk", "guest", 3), ("host", "host", 2), ("mark-penn", "host", 1)])
    );
    assert_eq!(inline[0]["kind"], "heading", "the title line");
    assert_eq!(
        inline[1]["kind"], "paragraph",
        "马斯克说： and 其计划： inside narration are not turns"
    );
}

#[test]
fn the_same_interview_in_two_formats_gives_the_same_turns() {
    let turns = |path: &str| -> Vec<(String, String)> {
        segments(path)
            .iter()
            .filter(|s| s["kind"] == "turn")
            .map(|s| {
                (
                    s["speaker"]["id"].as_str().unwrap().to_owned(),
                    s["zh_hans"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let a = turns("corpus/formats/same_interview_bold.md");
    let b = turns("corpus/formats/same_interview_lines.txt");
    assert_eq!(a.len(), 4);
    assert_eq!(a, b);
}

#[test]
fn a_seed_rewritten_in_another_label_format_gives_the_same_turns() {
    // 001 puts each label alone on a line; the same interview with `**Name：** words` labels.
    let path = common::seed("001_");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut rewritten = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let label = matches!(line.trim(), "Mark Penn:" | "馬斯克:");
        match (label, lines.peek()) {
            (true, Some(next)) => {
                rewritten.push_str(&format!(
                    "**{}：** {}\n",
                    line.trim().trim_end_matches(':'),
                    next
                ));
                lines.next();
            }
            _ => {
                rewritten.push_str(line);
                rewritten.push('\n');
            }
        }
    }
    let dir = common::tmpdir();
    let other = common::write(dir.path(), "bold.txt", rewritten.as_bytes());
    let speakers = |segs: Vec<Value>| -> Vec<String> {
        segs.iter()
            .filter(|s| s["kind"] == "turn")
            .map(|s| s["speaker"]["id"].to_string())
            .collect()
    };
    assert_eq!(
        speakers(segments(path.to_str().unwrap())),
        speakers(segments(other.to_str().unwrap()))
    );
}

#[test]
fn repeated_sentences_inside_a_turn_are_kept_once_and_audited() {
    let text = "主持人：你是否确定了一些你认为会成功的削减措施？\n虽然没有持续很长时间。你是否确定了一些你认为会成功的削减措施？\n马斯克：是的。\n";
    let out = Pipeline::builtin().unwrap().process_bytes("dup.txt", text.as_bytes()).unwrap();
    let recs = common::records(&out.jsonl());
    let host = &recs[1];
    assert_eq!(host["zh_hans"].as_str().unwrap().matches("削减措施").count(), 1, "{host}");
    assert!(out.audit_jsonl().contains("segment.duplicate-sentence"));
}

/// A person the registry does not know, glossed once in the text (`杰弗里·辛顿（Geoffrey
/// Hinton）`), is one speaker whether the label is the short name, the Traditional one or the
/// English one, with an id from the English name.
#[test]
fn a_speaker_glossed_in_the_text_is_one_person_across_scripts_and_languages() {
    let dir = common::tmpdir();
    let text = "图灵奖得主、多伦多大学教授杰弗里·辛顿（Geoffrey Hinton）接受了采访。\n\
                主持人：您为什么离开谷歌？\n\
                辛顿：因为我想自由地谈论AI的风险。\n\
                主持人：您担心什么？\n\
                辛頓：我擔心我們會失去控制。\n\
                主持人：还有别的吗？\n\
                Geoffrey Hinton: We need more research on safety.\n";
    let path = common::write(dir.path(), "hinton.txt", text.as_bytes());
    let segs = segments(path.to_str().unwrap());
    let guests: Vec<&Value> =
        segs.iter().filter(|s| s["kind"] == "turn" && s["speaker"]["role"] == "guest").collect();
    assert_eq!(guests.len(), 3, "{segs:#?}");
    for g in &guests {
        assert_eq!(g["speaker"]["id"], "geoffrey-hinton");
        assert_eq!(g["speaker"]["en"], "Geoffrey Hinton");
        assert_eq!(g["speaker"]["zh_hans"], "杰弗里·辛顿");
        assert_eq!(g["speaker"]["zh_hant"], "傑弗裡·辛頓", "Taiwan standard, like all zh_hant");
    }
}

/// The lines move into the segments rather than being copied: none is left behind in the
/// document. (What the segments hold is checked by the golden files of `segment`.)
#[test]
fn segment_moves_the_lines_into_the_segments() {
    use zhpipe::StageKind;
    let pipeline = Pipeline::builtin().unwrap();
    for prefix in ["000_", "001_", "003_"] {
        let path = common::seed(prefix);
        let bytes = std::fs::read(&path).unwrap();
        let name = path.to_str().unwrap();
        let before = pipeline.process_until(name, bytes.clone(), StageKind::Normalize).unwrap();
        let after = pipeline.process_until(name, bytes, StageKind::Segment).unwrap();
        assert!(!before.lines.is_empty() && after.lines.is_empty(), "{prefix}");
        let kept: usize = after.segments.iter().map(|s| s.lines.len()).sum();
        let given = before.lines.iter().filter(|l| !l.is_blank()).count();
        assert!(kept * 2 > given && kept <= given, "{prefix}: {kept} lines of {given}");
    }
}

/// Segments of a text given as a file named `name` (the extension picks no format).
fn segments_of(name: &str, text: &str) -> Vec<Value> {
    let out = Pipeline::builtin().unwrap().process_bytes(name, text.as_bytes()).unwrap();
    common::records(&out.jsonl()).into_iter().filter(|r| r["type"] == "segment").collect()
}

fn turns_of(segs: &[Value]) -> Vec<(String, String, String)> {
    segs.iter()
        .filter(|s| s["kind"] == "turn")
        .map(|s| {
            (
                s["speaker"]["zh_hans"]
                    .as_str()
                    .or(s["speaker"]["en"].as_str())
                    .unwrap_or("")
                    .to_owned(),
                s["speaker"]["role"].as_str().unwrap().to_owned(),
                s["zh_hans"].as_str().or(s["en"][0]["en"].as_str()).unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Two exchanges in one label format are an interview, whoever the speakers are.
#[test]
fn a_short_interview_of_unknown_speakers_has_its_turns() {
    let text = "劉江:你為什麼回國？\n從玉華:因為家人都在這裡。\n劉江:以後還會出國嗎？\n從玉華:也許會，但不是現在。\n";
    let turns = turns_of(&segments_of("short.txt", text));
    assert_eq!(turns.len(), 4, "{turns:?}");
    assert_eq!(turns[0].1, "host");
    assert_eq!(turns[1].1, "guest");
    // One question answered under another name, in the same format, is an exchange too.
    let one = "董倩:您怎么看外界的担忧？\n任正非:第一，我从来没有觉得我们会死亡。\n";
    assert_eq!(turns_of(&segments_of("one.txt", one)).len(), 2);
    // Names used once in prose are not speakers.
    let prose = "他总结了三点原因：成本、时间和人。\n后来他写道：这件事不会再发生。\n";
    assert!(turns_of(&segments_of("prose.txt", prose)).is_empty());
}

/// A registered role word used as a label (`嘉宾：`, `嘉賓：`) is a speaker's turn, although
/// the same word heading a list of names in a panel's header is a field.
#[test]
fn a_role_word_label_is_a_turn_and_a_header_field_is_not() {
    for (host, guest) in [("主持人", "嘉宾"), ("主持人", "嘉賓"), ("记者", "嘉宾")] {
        let text =
            format!("{host}：今天聊什么？\n{guest}：聊聊语料。\n{host}：好。\n{guest}：开始吧。\n");
        let turns = turns_of(&segments_of("panel.txt", &text));
        let who: Vec<&str> = turns.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(who.len(), 4, "{turns:?}");
        assert_eq!(turns[1].1, "guest", "{turns:?}");
        assert_eq!(turns[1].2, "聊聊语料。", "{turns:?}");
    }
    let header = "主持人：窦文涛\n嘉宾：周轶君、马家辉\n窦文涛：今天聊什么？\n周轶君：聊聊语料。\n窦文涛：好。\n马家辉：开始吧。\n";
    let turns = turns_of(&segments_of("header.txt", header));
    let who: Vec<&str> = turns.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(who, ["窦文涛", "周轶君", "窦文涛", "马家辉"], "{turns:?}");
}

/// Code quoted in an article (`if not data: return`, `while True:` repeated in several
/// snippets) is no exchange: a Latin label whose first word is lowercase is a field or a
/// statement, never a speaker.
#[test]
fn code_statements_are_never_speakers() {
    let snippet =
        "if not data: return\nwhile True: data = client.lpop('test')\nexcept Exception: break\n";
    let text =
        format!("下面是第一段代码。\n{snippet}\n再改一下：\n{snippet}\n最后一版：\n{snippet}");
    let turns = turns_of(&segments_of("code.txt", &text));
    assert!(turns.is_empty(), "{turns:?}");
    let html = format!("<html><body><article><p>下面是代码。</p><pre>{snippet}</pre><p>再改一下。</p><pre>{snippet}</pre><p>最后一版。</p><pre>{snippet}</pre></article></body></html>");
    let turns = turns_of(&segments_of("code.html", &html));
    assert!(turns.is_empty(), "{turns:?}");
    // Latin speakers keep their turns.
    let talk = "以下是访谈实录。\nLex Fridman: What is next?\nSam Altman: Better models.\nLex Fridman: When?\nSam Altman: Soon.\n";
    assert_eq!(turns_of(&segments_of("talk.txt", talk)).len(), 4);
}

/// A transcript whose first line is a Latin speaker's turn keeps it: a first line above
/// another speaker's label opens the exchange and is no English title.
#[test]
fn a_first_line_that_opens_an_exchange_is_no_title() {
    let talk = "Lex Fridman: What is next for the models?\nSam Altman: Better ones.\nLex Fridman: When?\nSam Altman: Soon.\n";
    let turns = turns_of(&segments_of("talk.txt", talk));
    assert_eq!(turns.len(), 4, "{turns:?}");
    assert_eq!(turns[0].2, "What is next for the models?");
    // An English title over prose is still the title.
    let out = Pipeline::builtin()
        .unwrap()
        .process_bytes(
            "t.txt",
            "The Future of Open Models in China\n\n这是正文的第一段。\n".as_bytes(),
        )
        .unwrap();
    assert_eq!(out.doc.meta.title_en.as_deref(), Some("The Future of Open Models in China"));
}

/// `https://…` has a colon after a short word; it is never a label.
#[test]
fn urls_are_never_speakers() {
    let text = "论文链接：\nhttps://arxiv.org/abs/2403.09323\n代码链接：\nhttps://github.com/example/repo\n作者主页：\nhttps://example.org/people/a\nhttps://example.org/people/b\n";
    let segs = segments_of("urls.txt", text);
    assert!(turns_of(&segs).is_empty(), "{segs:#?}");
    let all: String =
        segs.iter().filter_map(|s| s["zh_hans"].as_str().or(s["en"][0]["en"].as_str())).collect();
    assert!(all.contains("https://arxiv.org/abs/2403.09323"), "{all}");
}

/// A speaker's own `…说：` keeps the answer together; the writer naming a speaker ends it.
#[test]
fn narration_inside_an_answer_does_not_end_the_turn() {
    let text = "主持人：模型会越来越像人吗？\n\
                马斯克：会的。\n\
                现在我们可能会说：“我的模型比你的好。”\n\
                但以后没人会这么说。\n\
                主持人：为什么？\n\
                马斯克：因为都一样好。\n\
                马斯克说：“这是最后一个问题。”\n";
    let segs = segments_of("narration.txt", text);
    let turns = turns_of(&segs);
    assert_eq!(turns.len(), 4, "{turns:?}");
    assert!(
        turns[1].2.contains("我的模型比你的好") && turns[1].2.contains("没人会这么说"),
        "{turns:?}"
    );
    let last = segs.last().unwrap();
    assert_eq!(last["kind"], "paragraph", "the writer's 马斯克说： is narration");
}

/// Sub-headings between an answer and the next question, marked only in the source
/// (bold, setext, a number alone), are headings, not the answer's last line; a setext
/// heading that is a bare name is no turn.
#[test]
fn section_headings_between_answer_and_question_stay_outside_turns() {
    let text = "**李榜主**：第一个问题是什么？\n\n\
                **周鸿祎**：开源是正确的方向。\n\n\
                **大模型应该消于无形**\n\n\
                **李榜主**：那应用呢？\n\n\
                **周鸿祎**：场景要选得足够窄。\n\n\
                **02**\n\n\
                一开始想做 CAD 大模型\n\
                -----------\n\n\
                **李榜主**：后来呢？\n\n\
                **周鸿祎**：很快就放弃了。\n\n\
                **朱军：**\n\
                -------\n\n\
                **人工智能的下一步**\n\n\
                **李榜主**：最后一个问题？\n\n\
                **周鸿祎**：没有了。\n";
    let segs = segments_of("headings.md", text);
    let turns = turns_of(&segs);
    assert_eq!(turns.len(), 8, "{turns:#?}");
    for heading in ["大模型应该消于无形", "02", "一开始想做 CAD 大模型", "朱军", "人工智能的下一步"]
    {
        assert!(turns.iter().all(|t| !t.2.contains(heading)), "{heading} in a turn: {turns:#?}");
        assert!(
            segs.iter().any(|s| s["kind"] == "heading"
                && s["zh_hans"].as_str().is_some_and(|t| t.contains(heading))),
            "{heading} is a heading: {segs:#?}"
        );
    }
    // Bold words inside an answer are no heading.
    let bold = "**甲**：你好吗？\n\n**乙**：很好。\n\n**我很好。**\n\n**甲**：真的吗？\n\n**乙**：真的。\n";
    let turns = turns_of(&segments_of("bold.md", bold));
    assert!(turns[1].2.contains("我很好"), "{turns:?}");
}

/// Roles come from the evidence a reader uses, not only from question marks.
#[test]
fn roles_come_from_title_labels_author_and_questions() {
    // The guest asks back often; the title names him.
    let text = "对话周鸿祎：别被带沟里去了\n\n\
                李榜主：您怎么看开源？\n周鸿祎：你觉得呢？我觉得开源是对的。\n\
                李榜主：为什么？\n周鸿祎：难道不是吗？没有开源就没有互联网。\n\
                李榜主：那闭源呢？\n周鸿祎：也是一种选择，对吧？\n";
    let roles: BTreeMap<String, String> =
        turns_of(&segments_of("title.txt", text)).into_iter().map(|(n, r, _)| (n, r)).collect();
    assert_eq!(roles["周鸿祎"], "guest");
    assert_eq!(roles["李榜主"], "host");
    // A publication's label is the interviewer's.
    let text = "《晚点》：你们怎么定价？\n王刚：按用量。\n《晚点》：会涨价吗？\n王刚：不会？至少今年不会。\n";
    let roles: BTreeMap<String, String> =
        turns_of(&segments_of("pub.txt", text)).into_iter().map(|(n, r, _)| (n, r)).collect();
    assert_eq!(roles["《晚点》"], "host");
    assert_eq!(roles["王刚"], "guest");
    // One role per person per document.
    let text = "甲：你好？\n乙：你好。我们开始吧。今天聊什么？\n甲：聊模型？\n乙：好的，模型很重要，我们从头说起，先说数据，再说算力。\n";
    let turns = turns_of(&segments_of("one_role.txt", text));
    assert!(turns.iter().filter(|t| t.0 == "甲").all(|t| t.1 == "host"), "{turns:?}");
    assert!(turns.iter().filter(|t| t.0 == "乙").all(|t| t.1 == "guest"), "{turns:?}");
}

/// Labels not at a line's start: the answer on the question's line, a flattened exchange.
#[test]
fn labels_inside_a_line_start_turns() {
    let text =
        "问：会不会有其他定价吗？答：大家对产品的理解不一样。\n问：那以后呢？答：以后再说。\n";
    let turns = turns_of(&segments_of("qa_inline.txt", text));
    assert_eq!(turns.len(), 4, "{turns:?}");
    assert_eq!(turns[1].2, "大家对产品的理解不一样。");
    let flat = "李丰  :你觉得知乎算UGC还是PGC?  张雪松  :我觉得知乎是往PGC转化。\n";
    let turns = turns_of(&segments_of("flat.txt", flat));
    assert_eq!(turns.len(), 2, "{turns:?}");
    assert_eq!((turns[0].1.as_str(), turns[1].1.as_str()), ("host", "guest"));
    assert!(turns[1].2.starts_with("我觉得知乎"), "{turns:?}");
    // A colon after a word inside a sentence is no label.
    let prose = "问：你怎么看？答：他认为：这很好。\n问：还有吗？答：没有了。\n";
    let turns = turns_of(&segments_of("prose_colon.txt", prose));
    assert_eq!(turns.len(), 4, "{turns:?}");
}

/// What a page adds after the last answer is no part of it.
#[test]
fn closing_furniture_ends_the_last_turn() {
    let text =
        "主持人：最后一个问题？\n马斯克：没有了，谢谢。\n往期推荐\n马斯克的另一篇访谈\n点个在看\n";
    let segs = segments_of("footer.txt", text);
    let turns = turns_of(&segs);
    assert_eq!(turns.last().unwrap().2, "没有了，谢谢。", "{segs:#?}");
}

/// A name used once is a speaker's when it carries a role word of the registry: a title
/// before the person's name (its space lost or not), or the outlet a reporter asks for.
#[test]
fn role_words_make_names_used_once_speakers() {
    let tv = "主持人 魯健 :\n\
              週日午間，面對總編。各位好，歡迎您收看中央電視臺國際頻道，由魯健為您主持的《與總編面對面》欄目。\n\
              旁白:\n25號，日本、德國、巴西和印度組成的四國聯盟與非洲聯盟在倫敦舉行外長會議。\n\
              美國代表團團長:\n我們努力縮小各方的分歧，情況非常複雜，我們要做的還有很多。\n\
              旁白:\n從7月26號到31號，中國國務委員唐家璇應邀前往美國訪問。\n";
    let turns = turns_of(&segments_of("tv.txt", tv));
    assert_eq!(turns.len(), 4, "{turns:#?}");
    assert_eq!(turns[0].1, "host", "{turns:#?}");
    let press = "王毅：大家上午好！現在，我願意回答大家的提問。\n\
                 ▲新華社記者：今年中國將舉辦高峰論壇，中方有什麼考慮？\n\
                 王毅：再過兩個多月，我們就將在北京舉辦論壇。\n";
    let turns = turns_of(&segments_of("press.txt", press));
    assert_eq!(turns.len(), 3, "{turns:#?}");
    assert_eq!((turns[1].0.as_str(), turns[1].1.as_str()), ("新华社记者", "host"), "{turns:#?}");
    assert_eq!(turns[2].1, "guest", "{turns:#?}");
    // A reporter's byline over a news story is no turn.
    let byline = "本报记者：张三\n今天上午，市政府召开新闻发布会，介绍了今年的工作计划。\n";
    assert!(turns_of(&segments_of("byline.txt", byline)).is_empty());
}

/// A field the page gives twice (`核心提示：` over the same words again) before the
/// conversation never alternates with anyone: it is no speaker.
#[test]
fn a_label_repeated_without_alternating_is_no_speaker() {
    let text = "核心提示:他回忆道，那天英国人比美国人还吃惊\n\
                核心提示:他回忆道，那天英国人比美国人还吃惊。\n\
                窦文涛:我们经常被定位为娱乐节目。\n周轶君:对，我们打入学术界了。\n\
                窦文涛:有影响，对吧？\n周轶君:对。\n";
    let turns = turns_of(&segments_of("field_twice.txt", text));
    assert_eq!(turns.len(), 4, "{turns:#?}");
    assert!(turns.iter().all(|t| t.0 != "核心提示"), "{turns:#?}");
}

/// A name may end like narration (`梁文道`): `X道：` is narration only before a quotation.
#[test]
fn a_name_ending_like_narration_is_a_speaker_without_a_quotation() {
    let text = "窦文涛:我甚至都能想出是谁来。\n梁文道:对。\n窦文涛:这事儿生活里可是真有啊。\n\
                梁文道:对。\n窦文涛:他笑道:“这是真的。”\n";
    let segs = segments_of("dao.txt", text);
    let turns = turns_of(&segs);
    assert_eq!(turns.len(), 5, "{turns:#?}");
    assert_eq!(turns[1].0, "梁文道");
    // The writer's `他笑道：“…”` is narration, and no speaker.
    let prose =
        "他笑道：“这是真的。”\n她也笑道：“当然。”\n他笑道：“那就好。”\n她也笑道：“再见。”\n";
    assert!(turns_of(&segments_of("dao_prose.txt", prose)).is_empty());
}

/// A record that heads some turns with the speaker's name alone as a list item (`• 主席`)
/// and others with `Name:` gives both their turns; a list marker is no part of a name.
#[test]
fn a_bulleted_name_alone_heads_a_turn() {
    let text = "主席:現在繼續開會。\n  • 主席\n    請邱委員文彥質詢。\n\
                邱委員文彥:院長早，旱象之解除有多大效益？\n  • 主席\n    請毛院長答復。\n\
                毛院長治國:幫助有限。\n邱委員文彥:應該是多撐一個禮拜左右。\n";
    let segs = segments_of("bullets.txt", text);
    let turns: Vec<&Value> = segs.iter().filter(|s| s["kind"] == "turn").collect();
    assert_eq!(turns.len(), 6, "{turns:#?}");
    assert_eq!(turns[1]["speaker"]["id"], "name:主席", "{turns:#?}");
    assert!(turns[1]["zh_hans"].as_str().unwrap().contains("请邱委员文彦质询"), "{turns:#?}");
}

/// The host welcomes and thanks the guest for coming, the guest thanks for the
/// invitation, however few questions either asks.
#[test]
fn welcome_and_thanks_tell_host_from_guest() {
    let text = "Devin Coldewey:好的，感谢你加入我们的访谈，Aravind。也感谢大家的到来。\n\
                Aravind Srinivas:谢谢你邀请我。\n\
                Devin Coldewey:那我就先问一个问题吧，想先厘清个基本事实，你们公司对抄袭到底是怎么定义的？只有当你有了定义，才能避免无意间踩到这个坑。\n\
                Aravind Srinivas:这个问题，你可以直接去问它本身。\n\
                Devin Coldewey:我以为我现在正在问呢，这就是我在做的事情，我们继续往下说吧。\n";
    let roles: BTreeMap<String, String> =
        turns_of(&segments_of("thanks.txt", text)).into_iter().map(|(n, r, _)| (n, r)).collect();
    assert_eq!(roles["Devin Coldewey"], "host", "{roles:?}");
    assert_eq!(roles["Aravind Srinivas"], "guest", "{roles:?}");
}

/// A document that sets a bold sentence as a section heading before a turn writes its
/// other section headings so too: one between two turns is no answer's last line.
#[test]
fn bold_sentence_headings_follow_the_documents_style() {
    let text = "十年前有人发了一份白皮书。\n\n\
                **全世界现在有一群不开心的程序员。这种状况恰好跟区块链碰到了一起。**\n\n\
                **Chris Dixon**：为什么 token 这么重要？\n\n\
                **Fred Ehrsam**：因为经济系统第一次嵌入了互联网。\n\n\
                **过去 15 年做大的公司都拥有用户数据。但现在，每一个 token 都是一个银行。**\n\n\
                **Chris Dixon**：平台之间一直在斗争。\n\n\
                **Fred Ehrsam**：没错，关键是激励。\n";
    let segs = segments_of("bold_style.md", text);
    let turns = turns_of(&segs);
    assert_eq!(turns.len(), 4, "{turns:#?}");
    assert!(turns.iter().all(|t| !t.2.contains("每一个 token")), "{turns:#?}");
}

/// The editor's byline after the last answer (`编辑：` and a name) is no part of it.
#[test]
fn an_editor_byline_ends_the_last_turn() {
    let text = "窦文涛:妙语如珠。\n梁文道:对。\n窦文涛:实际奔着那头呢。\n梁文道:对。\n编辑:\n赵佶\n更多新闻\n";
    let turns = turns_of(&segments_of("editor.txt", text));
    assert_eq!(turns.last().unwrap().2, "对。", "{turns:#?}");
}

/// A panel that talks in statements: the host is who opens, takes the most turns and
/// names the others, not the one who says the most.
#[test]
fn a_panel_without_questions_finds_its_host() {
    let text =
        "许文山:我们今天说说这本小说，我一看，觉得生活里真有这样的事儿，志远，你写的是真的。\n\
                周子明:对。\n许文山:而且你看他这书，丢了一个U盘，这个U盘里呢，有证据。\n\
                李志远:嗯。\n许文山:我捏着你的把柄，这事儿生活里可是真有啊。\n\
                李志远:好多想不清楚的事儿，饭桌上突然全都说的淋漓尽致，这是我写了三年才写明白的。\n\
                许文山:妙语如珠，还是看这人说话。\n周子明:对。\n";
    let roles: BTreeMap<String, String> =
        turns_of(&segments_of("panel.txt", text)).into_iter().map(|(n, r, _)| (n, r)).collect();
    assert_eq!(roles["许文山"], "host", "{roles:?}");
    assert_eq!(roles["周子明"], "guest", "{roles:?}");
    assert_eq!(roles["李志远"], "guest", "{roles:?}");
}

/// A header that lists people under role words (`主持人：`, `嘉宾：`) gives them their roles,
/// and is no turn.
#[test]
fn a_header_line_names_the_host() {
    let text = "主持人：孙乙\n嘉宾：赵甲\n\
                赵甲：我先说两句，这件事我们做了十年。\n孙乙：十年了。\n\
                赵甲：对，十年里我们换了三次方向，每一次都差点关门。\n孙乙：后来呢。\n";
    let turns = turns_of(&segments_of("header.txt", text));
    assert_eq!(turns.len(), 4, "{turns:#?}");
    let roles: BTreeMap<String, String> = turns.into_iter().map(|(n, r, _)| (n, r)).collect();
    assert_eq!(roles["孙乙"], "host", "{roles:?}");
    assert_eq!(roles["赵甲"], "guest", "{roles:?}");
    // A header block: the host with a title, then a role word over one bio line per guest.
    let text = "主持人:杂志主编 顾晴\n嘉 宾:\n马仲良:研究院院长、研究员\n崔俊奎:设计院院长、博士\n\
                罗心龙:大学生\n活动上，嘉宾们结合自己的亲身经历，各抒己见，讨论了城市病的问题。\n\
                崔俊奎:其实讨论这个话题，年轻人考虑得多一些。\n";
    let turns = turns_of(&segments_of("header_block.txt", text));
    assert_eq!(turns.len(), 1, "{turns:#?}");
    assert_eq!((turns[0].0.as_str(), turns[0].1.as_str()), ("崔俊奎", "guest"), "{turns:#?}");
}

/// `解说：` and `旁白：` are the narrator of a broadcast, not a guest.
#[test]
fn a_narrator_label_gives_the_narrator_role() {
    let text = "主持人:各位好，欢迎收看本周的节目。\n旁白:\n25号，四国联盟与非洲联盟在伦敦举行外长会议。\n\
                代表团团长:\n我们努力缩小各方的分歧。\n旁白:\n26号上午，六方会谈在北京举行。\n";
    let turns = turns_of(&segments_of("narrator.txt", text));
    assert_eq!(turns.len(), 4, "{turns:#?}");
    assert_eq!(turns[1].1, "narrator", "{turns:#?}");
    assert_eq!(turns[3].1, "narrator", "{turns:#?}");
    assert_eq!(turns[2].1, "guest", "{turns:#?}");
    // `解说` ends like narration (`马斯克说：`) but is a registered label.
    let simplified = text.replace("旁白", "解说");
    let turns = turns_of(&segments_of("narrator.txt", &simplified));
    assert_eq!(turns.len(), 4, "{turns:#?}");
    assert_eq!((turns[1].1.as_str(), turns[3].1.as_str()), ("narrator", "narrator"), "{turns:#?}");
}

/// One-line turns of a short broadcast: a question, its answer and the next question in one
/// label format are an interview; two labels that carry roles are an exchange.
#[test]
fn a_short_transcript_with_one_line_turns_has_its_turns() {
    let text = "刘江：今天我们聊聊经济。\n从玉华：好的。\n刘江：先说房价。\n";
    assert_eq!(turns_of(&segments_of("three.txt", text)).len(), 3);
    let text = "主持人：今天我们聊聊经济。\n王小明：大家好。\n主持人：先说房价。\n";
    let turns = turns_of(&segments_of("host_three.txt", text));
    assert_eq!(turns.len(), 3, "{turns:#?}");
    assert_eq!(turns[1].0, "王小明");
    let text = "主持人：今天我们聊聊经济。\n嘉宾王立：好的，很高兴来。\n";
    let turns = turns_of(&segments_of("roles_two.txt", text));
    assert_eq!(turns.len(), 2, "{turns:#?}");
    assert_eq!((turns[1].0.as_str(), turns[1].1.as_str()), ("王立", "guest"), "{turns:#?}");
}

/// A role word before a name (`主持人 魯健`) is no part of the name: the person is one
/// speaker with or without it.
#[test]
fn a_role_word_before_a_name_is_one_canonical_speaker() {
    let text =
        "主持人 魯健 :\n各位好，歡迎您收看本欄目。\n旁白:\n25號，四國聯盟在倫敦舉行外長會議。\n\
                代表團團長:\n我們努力縮小各方的分歧。\n旁白:\n26號上午，六方會談在北京舉行。\n";
    let segs = segments_of("canonical.txt", text);
    let turns: Vec<&Value> = segs.iter().filter(|s| s["kind"] == "turn").collect();
    assert_eq!(turns.len(), 4, "{turns:#?}");
    assert_eq!(turns[0]["speaker"]["id"], "name:鲁健", "{turns:#?}");
    assert_eq!(turns[0]["speaker"]["zh_hant"], "魯健", "{turns:#?}");
    assert_eq!(turns[0]["speaker"]["role"], "host", "{turns:#?}");
}

/// Markdown list items (`- 张三：…`) are turns like any labelled line, with names in both
/// scripts.
#[test]
fn list_item_labels_are_turns_with_names() {
    let text = "# 访谈\n\n- 张三：你最近在做什么项目？\n- 李四：我在做一个开源的编译器。\n\
                - 张三：难吗？\n- 李四：很难，但是很有意思。\n";
    let segs = segments_of("items.md", text);
    let turns: Vec<&Value> = segs.iter().filter(|s| s["kind"] == "turn").collect();
    assert_eq!(turns.len(), 4, "{turns:#?}");
    assert_eq!(turns[0]["speaker"]["zh_hans"], "张三");
    assert_eq!(turns[0]["speaker"]["zh_hant"], "張三");
    assert_eq!(turns[1]["zh_hans"], "我在做一个开源的编译器。");
}

/// An exchange flattened onto the end of an introduction, in a line with no label of its
/// own, is cut into its turns.
#[test]
fn an_exchange_flattened_onto_a_paragraph_is_cut_into_turns() {
    let text = "这是一篇专访的导语，介绍了这次对话的背景。 晚报:您的节目请过多少嘉宾？ \
                陈一:挺难算的，有十三年了。 晚报:有没有印象深刻的事？ 陈一:有，第一次论坛。\n";
    let turns = turns_of(&segments_of("flat.txt", text));
    assert_eq!(turns.len(), 4, "{turns:#?}");
    assert_eq!((turns[0].0.as_str(), turns[0].1.as_str()), ("晚报", "host"), "{turns:#?}");
    assert_eq!(turns[3].2, "有，第一次论坛。", "{turns:#?}");
    // Sound cues of a broadcast script are no speakers.
    let cues = "现场声:\n(你好，可以采访你吗?)\n(你问吧。)\n现场声:\n(耶!)\n同期声:\n(好的。)\n";
    assert!(turns_of(&segments_of("cues.txt", cues)).is_empty());
}

/// A numbered list item that pairs terms with values (`初阶版：…。进阶版：…`) is no
/// exchange, however often the terms recur; the same labels after an introduction are.
#[test]
fn terms_in_numbered_items_are_no_speakers() {
    let items = "24. 对科幻的态度——初阶版：腾讯版一般。进阶版：网飞版一般。起飞版：原著一般。\n\
                 25. 对喜剧的态度——初阶版：线下好看。进阶版：是单口喜剧。起飞版：没了就是散沙。\n";
    assert!(turns_of(&segments_of("items.txt", items)).is_empty());
    let flat = "这是一篇专访的导语。 甲:你好吗？ 乙:我很好。 甲:那就好？ 乙:是的。\n";
    assert_eq!(turns_of(&segments_of("flat.txt", flat)).len(), 4);
}

/// Under the announcement of a transcript, one turn of a label with a role word is a turn;
/// without the announcement it is not (a lone `主持人姜燕：` may be a quoted line).
#[test]
fn a_role_label_under_a_transcript_announcement_opens_a_turn() {
    let text = "一场圆桌论坛由姜燕主持。\n以下是对话实录，36氪编辑整理：\n\
                主持人姜燕：各位下午好，首先非常感谢主办方。\n";
    let turns = id_roles(&segments_of("intro.txt", text));
    assert_eq!(turns.len(), 1, "{turns:#?}");
    assert_eq!((turns[0].0.as_str(), turns[0].1.as_str()), ("name:姜燕", "host"));
    let text = "一场圆桌论坛由姜燕主持。\n主持人姜燕：各位下午好，首先非常感谢主办方。\n";
    assert!(id_roles(&segments_of("no_intro.txt", text)).is_empty());
}

/// Each turn's speaker id, role and words.
fn id_roles(segs: &[Value]) -> Vec<(String, String, String)> {
    segs.iter()
        .filter(|s| s["kind"] == "turn")
        .map(|s| {
            let sp = &s["speaker"];
            let text = s["zh_hans"].as_str().unwrap_or("").to_owned();
            (sp["id"].as_str().unwrap().to_owned(), sp["role"].as_str().unwrap().to_owned(), text)
        })
        .collect()
}

/// A reporter (`记者：`) who tells a news story between the people's own words is its
/// narrator, and the people are guests; a reporter who asks and is answered is a host, a
/// speaker apart from the studio's 主持人. The label's word alone does not decide.
#[test]
fn a_reporter_narrates_a_story_and_hosts_an_interview() {
    let story =
        "記者：7月的阿克蘇，棉花進入了生長的關鍵期。在阿瓦提縣的棉田裏，農民們正忙着打頂。\n\
                 棉農 張建國：今年的棉花長得好，一畝地能多收五十公斤。\n\
                 記者：據瞭解，今年全縣推廣了新的滴灌技術，棉花種植面積達到一百二十萬畝。\n\
                 縣農業局局長 王海：我們給每戶都裝了滴灌，節水三成以上。\n\
                 記者：目前，全縣的棉花長勢良好，預計九月中旬開始採摘。\n";
    let turns = id_roles(&segments_of("story.txt", story));
    assert_eq!(turns.len(), 5, "{turns:#?}");
    for (i, (id, role, _)) in turns.iter().enumerate() {
        let want = if i % 2 == 0 { ("reporter", "narrator") } else { (id.as_str(), "guest") };
        assert_eq!((id.as_str(), role.as_str()), want, "{turns:#?}");
    }
    let interview = "主持人：眼下的東北進入了一年最忙的季節，本臺記者來到黑龍江墾區。\n\
                     解說：寶泉嶺梧桐河畔的水稻熟了，農民劉貴夫率先開鐮了。\n\
                     記者：今年你家這稻子長勢怎麼樣？\n\
                     劉貴夫（寶泉嶺梧桐河農場）：長勢可以這麼說吧，歷年來今年可能是頭一回。\n\
                     記者：一共種了多少？\n劉貴夫：種了30多公頃，500畝。\n\
                     記者：你一年下來掙多少錢。\n劉貴夫：一年二三十萬。\n";
    let turns = id_roles(&segments_of("interview.txt", interview));
    let roles: Vec<(&str, &str)> = turns.iter().map(|(i, r, _)| (i.as_str(), r.as_str())).collect();
    let (host, narrator) = (("host", "host"), ("narrator", "narrator"));
    let (reporter, farmer) = (("reporter", "host"), ("name:刘贵夫", "guest"));
    assert_eq!(
        roles,
        [host, narrator, reporter, farmer, reporter, farmer, reporter, farmer],
        "{turns:#?}"
    );
    // Who the person is, in brackets after the name, is no part of the label's name.
    assert!(turns[3].2.starts_with("长势可以"), "{turns:#?}");
}

/// A person labelled with a role word once (`主持人 魯健`) and by the name alone later
/// (`魯健`) is one speaker, with the role word's role, in either script and either order.
#[test]
fn a_bare_name_and_its_role_word_label_are_one_speaker() {
    let hant = "主持人 魯健 :\n各位好，歡迎您收看本欄目。今天我們請來了兩位總編。\n\
                張明:\n謝謝主持人。這一週的新聞很多。\n\
                魯健:\n那我們先說說六方會談？\n張明:\n好的，這次會談很重要。\n";
    let hans = "主持人 鲁健 :\n各位好，欢迎您收看本栏目。今天我们请来了两位总编。\n\
                张明:\n谢谢主持人。这一周的新闻很多。\n\
                鲁健:\n那我们先说说六方会谈？\n张明:\n好的，这次会谈很重要。\n";
    // The bare name first, the role word later.
    let later = "魯健:\n各位好，歡迎您收看本欄目。\n張明:\n謝謝主持人。\n\
                 主持人 魯健 :\n那我們先說說六方會談？\n張明:\n好的，這次會談很重要。\n";
    for (name, text) in [("hant.txt", hant), ("hans.txt", hans), ("later.txt", later)] {
        let segs = segments_of(name, text);
        let turns = id_roles(&segs);
        assert_eq!(turns.len(), 4, "{name}: {turns:#?}");
        for i in [0, 2] {
            assert_eq!((turns[i].0.as_str(), turns[i].1.as_str()), ("name:鲁健", "host"), "{name}");
            let sp = &segs.iter().filter(|s| s["kind"] == "turn").nth(i).unwrap()["speaker"];
            assert_eq!(
                (&sp["zh_hans"], &sp["zh_hant"]),
                (&"鲁健".into(), &"魯健".into()),
                "{name}"
            );
        }
        assert_eq!((turns[1].0.as_str(), turns[1].1.as_str()), ("name:张明", "guest"), "{name}");
    }
}

/// A panel write-up heads a guest's turn with their point, under their label and without
/// closing punctuation (`崔俊奎：…，不会离开` over `崔俊奎：其实…`): a heading, not a turn.
#[test]
fn a_labelled_viewpoint_over_the_same_speakers_turn_is_a_heading() {
    let text = "嘉宾们结合自己的亲身经历，各抒己见，支招北京城市病。\n观点阐述\n崔俊奎：北京工作机会多、工作环境好，不会离开\n\
                崔俊奎：其实讨论这个话题，我感觉对于在北京生活的人来说，可能年轻人考虑得多一些。\n\
                马仲良：城市病要靠规划来治\n\
                马仲良：北京的问题在于功能过于集中，疏解非首都功能是治本之策。\n\
                崔俊奎：我同意，但疏解需要时间。\n";
    let segs = segments_of("viewpoints.txt", text);
    let turns = id_roles(&segs);
    assert_eq!(turns.len(), 3, "{turns:#?}");
    assert!(turns[0].2.starts_with("其实"), "{turns:#?}");
    assert!(turns[1].2.starts_with("北京的问题"), "{turns:#?}");
    let headings: Vec<&str> = segs
        .iter()
        .filter(|s| s["kind"] == "heading")
        .filter_map(|s| s["zh_hans"].as_str())
        .collect();
    assert!(headings.iter().any(|h| h.ends_with("不会离开")), "{headings:?}");
    assert!(headings.iter().any(|h| h.ends_with("城市病要靠规划来治")), "{headings:?}");
    // A short answer of the same speaker's, punctuated, is their turn.
    let text = "甲：你去过北京吗？\n乙：去过。\n乙：去年冬天去的，待了一个星期，天天都在下雪。\n甲：冷吗？\n";
    assert_eq!(id_roles(&segments_of("short.txt", text)).len(), 4);
}

/// The id of a person the registry does not know comes from the Simplified form of their
/// name: a Traditional document and its Simplified version name them alike.
#[test]
fn speaker_ids_do_not_depend_on_the_script() {
    let hant =
        "劉江:你為什麼回國？\n從玉華:因為家人都在這裡。\n劉江:以後還會出國嗎？\n從玉華:也許會。\n";
    let hans =
        "刘江:你为什么回国？\n从玉华:因为家人都在这里。\n刘江:以后还会出国吗？\n从玉华:也许会。\n";
    let ids = |name: &str, text: &str| -> Vec<String> {
        id_roles(&segments_of(name, text)).into_iter().map(|t| t.0).collect()
    };
    let want = ["name:刘江", "name:从玉华", "name:刘江", "name:从玉华"];
    assert_eq!(ids("hant.txt", hant), want);
    assert_eq!(ids("hans.txt", hans), want);
}

/// A reporter's byline over or under a news story with no exchange (`记者：张三` at the top,
/// `记者：赵六` at the bottom) is no one-line `reporter` turn; a voice-over in which the
/// reporter speaks several times, and an exchange the byline follows, keep their turns.
#[test]
fn a_reporters_byline_over_a_news_story_is_no_turn() {
    let story = "今天上午，市政府召开新闻发布会，宣布新的交通政策。\n\
                 政策将于下月起实施，市民可以通过官网查询详情。\n";
    for byline in ["记者：张三", "記者：張三", "本报记者：李四 王五", "记者：张三 报道"]
    {
        for text in [format!("{byline}\n{story}"), format!("{story}{byline}\n")] {
            let segs = segments_of("news.txt", &text);
            assert!(turns_of(&segs).is_empty(), "{text}: {segs:#?}");
            // The line stays, as a paragraph of its own, not a heading over the story.
            let own = segs.iter().find(|s| s["zh_hant"].as_str().is_some_and(|t| t.contains('：')));
            assert_eq!(own.map(|s| s["kind"].clone()), Some("paragraph".into()), "{segs:#?}");
        }
    }
    // A voice-over: the reporter speaks several times, whatever the first words.
    let voice = "记者：大家好\n今天我们来到了阿克苏。\n\
                 记者：这里的棉花长势良好，预计九月中旬开始采摘。\n记者：农民们正在忙碌。\n";
    assert_eq!(turns_of(&segments_of("voice.txt", voice)).len(), 3);
    // A byline under an exchange ends the last turn and is none of it.
    let qa = "主持人：最后一个问题？\n马斯克：没有了，谢谢。\n记者：赵六\n";
    let turns = turns_of(&segments_of("qa_byline.txt", qa));
    assert_eq!(turns.len(), 2, "{turns:#?}");
    assert_eq!(turns[1].2, "没有了，谢谢。");
    // A reporter who asks is answered: a question is no byline.
    let ask = "记者：张总？\n张总：我在。\n";
    assert_eq!(turns_of(&segments_of("ask.txt", ask)).len(), 2);
}

/// Labels at the start of HTML paragraphs, bold or not, start turns as in plain text.
#[test]
fn labels_at_the_start_of_html_paragraphs_start_turns() {
    let html = "<html><head><title>对话张明：城市的未来</title></head><body><article>\
                <p>本期节目我们邀请到了城市规划专家张明，一起聊聊城市的未来。</p>\
                <p><strong>李华：</strong>您怎么看城市化的速度？</p>\
                <p><strong>张明：</strong>我觉得速度太快了，很多配套跟不上。</p>\
                <p>李华：那应该怎么办？</p>\
                <p>张明：先把公共交通做好，再谈扩张。</p>\
                </article></body></html>";
    let turns = turns_of(&segments_of("page.html", html));
    let got: Vec<(&str, &str)> = turns.iter().map(|t| (t.0.as_str(), t.1.as_str())).collect();
    assert_eq!(
        got,
        [("李华", "host"), ("张明", "guest"), ("李华", "host"), ("张明", "guest")],
        "{turns:#?}"
    );
    assert_eq!(turns[1].2, "我觉得速度太快了，很多配套跟不上。");
}
