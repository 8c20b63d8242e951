//! A simulator of the GBK pinyin-injection damage (issue 3, steps 1-4), for tests.
//!
//! 1. each line is wrapped as `<p>line</p>` and encoded as GBK;
//! 2. a byte-level annotator follows every occurrence of a table character's two bytes
//!    (even across a character boundary) with `(pinyin)`;
//! 3. a lossy decoder turns a lead byte plus an invalid trail into `?`, swallowing both,
//!    and drops private-use pairs; intact `<p>`/`</p>` tags are then stripped;
//! 4. full-width forms are folded to half-width.
//!
//! Written independently of the library's decoder on purpose.

use pinyin::ToPinyin;

/// Traditional characters that differ from their Simplified forms, most frequent first;
/// a table is drawn from these.
const POOL: &str = "國這為會個來時說學於後發們長過著對經業門進區動開還軍產體裡與種現機麼關當從實兩頭間無沒東將員內見戰點場資萬級樣數應問務電總漢氣並設處聲義統馬領隊變議話計華給權書幾報別兒題達規術縣結稱決條張師導黨風運論聽組濟強黃類邊選農質記號職聯據廣帶卻傳難陽車認舉線專備際連轉較讓調該親臺紅眾爾爭歷團單價許裝約積極屬圖參則亞魚隨遠遊辦觀網熱構勢劃佈雙鐵證語覺編紀滿況斷愛龍飛顯項響離輕護請視藥羅織節確營準標樂擊幹餘雖鄉費識試興維環寶宮創佔鬥須錢銀賽責負製習續終細獨狀殺橋楊採態層圍嚴勝僅係驗養陸陳鎮醫適財衛蘇藝臉緊範獲檢樓戶彈寫協勞優雲階蘭聞絕監樹敵復審壓劉剛億傷驚願預輯談誰詞繼簡築禮畫溫島執園劍額錯轄貴講葉荊臨歲歡歐擔揮幫夠塊劇亂鮮顧順陣銷貨讀衝腳練異測敗換寧孫堅吳頂險錄徵遺輸買豐評訓腦納筆礦盡畢獻爺漸歸廠嗎齊館飯靜靈雜趕賣詩訴祕礎盤灣澤減擴慶屆媽側輪載軟補乾舊牆槍懷婦頓頁針購謝諸複聖罷綠穩獎燒榮擁戲惡庫幣寬圓麗魯駐陰閉週課誤討艦脫絲紙療牀燈橫擇憲廟崗尋奪壞韋隻隱趙貿訪虛蓋莊縱緩絡紛糧潛滅搖揚廳奧噸儀韓錛鋼鋪釋脈綜純競稅碼烏潤損掛慮徑嶺壇儘倫騎頻雞鐘銅謂謀蟲績縮紹紝擺廢壯劑麥鹽鬧閃鏡輩賊貼貧譽諾訊訂觸薩蓮繫緣紡簽煙淚沖殘搶峽夢傾飲闖閣鍾鋒遷躍貫貢貝膽罵溝湯晉憑奮匯勁儲齡鳳閱遼賞詢覽藍繞緒畝濃淨棄徹屍啟偉鴻鳥髮顏隸闊閒鍵鍋錦夥鄭鄧遞辭趨譯誠誌詔襲蔣腸窮災濕漲曉懸慣嘆厲冊鬆騰頒鏈違輛貸罰繪毀攝撲駕飾頃鄰遲轟輔踐跡賦賢賓豬託萊肅綱盜煩漁滾湧涼暫擬撫掃憤憂岡壽勸傑併驅顆頗陝郵輝蹟賴豈詳臘繡盧猶牽淺檔慘嚇喪麵鑽鐨鎖錫賈賀譜虧蕩膠腫纖紋籌爐殼擾擋彎帳帥夾塵塗叢凱債齒鳴鑑釐迴辯贊薦艱脅紐礙獸爛攔撥恆巖勵兇償飄霧闆菸軸軌贏諮診膚籃窩磚獅煉潔欄樞曆暢擠噴喬喚俠丟鶴騙馳蹤讚臟縫緯糾籠禦禍獵獄灘渾敘攜戀懼剝倆龐鹼鷹駛馮飽頸闢閥邏遙轎輻賜貪註繩禎瘋瑪欽樑斬拋憶惱悶彙彌嘗呂僑偽偵倉鵝餓顫鑄銳銜邁賬貓謹謙蒼艷艙臥腎脹聰纏";

/// Tiny xorshift64* generator: seedable and dependency-free.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The annotator's table: GBK byte pairs and the gloss bytes that follow them.
pub struct Table {
    entries: Vec<([u8; 2], Vec<u8>)>,
}

fn gbk(s: &str) -> Option<Vec<u8>> {
    let (b, _, bad) = encoding_rs::GBK.encode(s);
    (!bad).then(|| b.into_owned())
}

impl Table {
    /// Draws `size` characters from the pool with the given seed.
    pub fn random(seed: u64, size: usize) -> Table {
        let mut pool: Vec<char> = POOL.chars().collect();
        let mut rng = Rng::new(seed);
        for i in (1..pool.len()).rev() {
            pool.swap(i, rng.below(i + 1));
        }
        let entries = pool
            .into_iter()
            .filter_map(|c| {
                let py = c.to_pinyin()?.with_tone();
                let b = gbk(&c.to_string())?;
                Some(([b[0], b[1]], gbk(&format!("({py})"))?))
            })
            .take(size)
            .collect();
        Table { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    fn gloss(&self, pair: [u8; 2]) -> Option<&[u8]> {
        self.entries.iter().find(|e| e.0 == pair).map(|e| e.1.as_slice())
    }
}

/// Step 2: leftmost-first, byte-level injection.
fn inject(bytes: &[u8], table: &Table) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    let mut i = 0;
    while i < bytes.len() {
        if let Some(g) = bytes.get(i + 1).and_then(|&b| table.gloss([bytes[i], b])) {
            out.extend_from_slice(&bytes[i..i + 2]);
            out.extend_from_slice(g);
            i += 2;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// What the lossy decoder of step 3 does with a GBK pair it cannot map (private use):
/// drop it silently, or print `?` for it (Python's, Java's and iconv's replacing modes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unmapped {
    Drop,
    Question,
}

/// Step 3: the lossy decoder.
fn lossy_decode(bytes: &[u8], unmapped: Unmapped) -> String {
    let trail = |b: u8| (0x40..=0x7E).contains(&b) || (0x80..=0xFE).contains(&b);
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(b as char);
            i += 1;
        } else if b == 0x80 {
            out.push('€');
            i += 1;
        } else if b < 0xFF && i + 1 < bytes.len() && trail(bytes[i + 1]) {
            let (s, _) = encoding_rs::GBK.decode_without_bom_handling(&bytes[i..i + 2]);
            let private =
                s.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c) || c == '\u{FFFD}');
            if !private {
                out.push_str(&s);
            } else if unmapped == Unmapped::Question {
                out.push('?');
            }
            i += 2;
        } else {
            out.push('?');
            i += 2;
        }
    }
    out
}

/// Step 4.
pub fn halfwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
            _ => c,
        })
        .collect()
}

/// Damages one line; lines GBK cannot encode are left alone.
pub fn garble_line(line: &str, table: &Table) -> String {
    garble_line_with(line, table, Unmapped::Drop)
}

/// [`garble_line`] with the given decoder behaviour for unmapped pairs.
pub fn garble_line_with(line: &str, table: &Table, unmapped: Unmapped) -> String {
    let Some(bytes) = gbk(&format!("<p>{line}</p>")) else {
        return line.to_string();
    };
    let s = lossy_decode(&inject(&bytes, table), unmapped);
    let s = s.strip_prefix("<p>").unwrap_or(&s);
    halfwidth(s.strip_suffix("</p>").unwrap_or(s))
}

/// Damages a whole text, line by line.
pub fn garble(text: &str, table: &Table) -> String {
    garble_with(text, table, Unmapped::Drop)
}

/// [`garble`] with the given decoder behaviour for unmapped pairs.
pub fn garble_with(text: &str, table: &Table, unmapped: Unmapped) -> String {
    text.lines().map(|l| garble_line_with(l, table, unmapped)).collect::<Vec<_>>().join("\n")
}

/// What a perfect repair of `garble(text)` gives back: step 4 cannot be undone.
pub fn expected(text: &str) -> String {
    text.lines()
        .map(|l| if gbk(l).is_some() { halfwidth(l) } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Table {
    /// The table as far as a damaged document shows it: characters followed by an
    /// intact `(pinyin)` gloss.
    pub fn from_glosses(damaged: &str) -> Table {
        let mut entries: Vec<([u8; 2], Vec<u8>)> = Vec::new();
        for line in damaged.lines() {
            let chars: Vec<char> = line.chars().collect();
            for i in 1..chars.len() {
                if chars[i] != '(' {
                    continue;
                }
                let Some(len) = chars[i + 1..].iter().position(|&c| c == ')') else {
                    continue;
                };
                let py: String = chars[i + 1..i + 1 + len].iter().collect();
                let c = chars[i - 1];
                let reads = c.to_pinyin().is_some_and(|_| {
                    pinyin::ToPinyinMulti::to_pinyin_multi(&c)
                        .is_some_and(|m| m.into_iter().any(|p| p.with_tone() == py))
                });
                let (Some(b), Some(g)) = (gbk(&c.to_string()), gbk(&format!("({py})"))) else {
                    continue;
                };
                if reads && b.len() == 2 && !entries.iter().any(|e| e.0 == [b[0], b[1]]) {
                    entries.push(([b[0], b[1]], g));
                }
            }
        }
        Table { entries }
    }
}

/// `size` distinct Han characters of `text` drawn by occurrence, so frequent characters
/// more often: the everyday characters an injected table holds.
pub fn frequent_chars(text: &str, size: usize, rng: &mut Rng) -> Vec<char> {
    let han: Vec<char> = text.chars().filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)).collect();
    let mut out: Vec<char> = Vec::new();
    for _ in 0..size * 20 {
        let c = han[rng.below(han.len())];
        if c.to_pinyin().is_some() && !out.contains(&c) {
            out.push(c);
            if out.len() == size {
                break;
            }
        }
    }
    out
}

/// A character-level annotator without byte damage, as an SEO mirror that never
/// re-decoded its pages shows it: every occurrence of a `table` character gets its
/// `(pinyin)`, except one in `miss` chosen at random (the mirror's replace missed a few).
/// Returns the text and the number of glosses added.
pub fn annotate_chars(text: &str, table: &[char], miss: usize, rng: &mut Rng) -> (String, usize) {
    let mut out = String::with_capacity(text.len() * 2);
    let mut n = 0;
    for c in text.chars() {
        out.push(c);
        if table.contains(&c) && rng.below(miss) != 0 {
            out.push_str(&format!(
                "({})",
                c.to_pinyin().expect("table characters read").with_tone()
            ));
            n += 1;
        }
    }
    (out, n)
}
