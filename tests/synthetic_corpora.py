"""Synthetic rows in the file names and column layouts of the public corpora, written at test time.

The adapters read fixed file names, so the tests need files that look like the corpora; every row here
was written for the tests (including deliberate faults: a mojibake line, bytes that are not UTF-8, a
repeated post, unparseable JSON). No text comes from the corpora themselves.
"""

from __future__ import annotations

from pathlib import Path

FILES: dict[str, bytes] = {
    "c3_constructive_comments/C3_anonymized.csv": (
        b"article_id,comment_author,comment_counter,comment_text,crowd_toxicity_level,toxicity_characteristics,non_constructive_characteristics\r\n"
        b'100,0,s_100_1,You are a pathetic idiot and everyone knows it.,3.0,"personal_attack:3\n'
        b'abusive:2",provocative:2\r\n'
        b"100,0,s_100_2,The budget numbers in this article do not add up.,1.0,no_toxic:3,no_non_con:3\r\n"
        b'100,0,s_100_3,Mildly snarky remark about the minister.,2.0,teasing:2,"sarcastic:1\n'
        b'non_relevant:1"\r\n'
        b"200,0,s_200_1,Buy cheap watches at my site!,1.2,no_toxic:3,non_relevant:3\r\n"
        b"200,0,s_200_2,A thoughtful comment on the election. It\xe2\x80\x99s close.,1.0,no_toxic:3,no_non_con:3\r\n"
        b"200,0,s_200_3,shared text with UCC,1.0,no_toxic:3,no_non_con:3\r\n"
        b"300,0,s_300_1,I don\xc3\xa2\xe2\x82\xac\xe2\x84\xa2t agree with the mayor.,1.0,no_toxic:3,no_non_con:3\r\n"
    ),
    "civil_comments_toxic_spans/comments.csv": (
        b'comment_id,comment_text\r\n9,"What a stupid thing to say, idiot."\r\n8,"  Go away, loser."\r\n'
    ),
    # comment 9: three raters; "stupid" (7-13) marked by two (overlapping spans of one rater count once),
    # "idiot" (28-33) by one only. Comment 8: one rater of one marks "loser" in the raw text (offsets 11-16).
    "civil_comments_toxic_spans/annotations.csv": (
        b"annotation,comment_id,worker,country,all toxic,not toxic\r\n"
        b"0,9,1,USA,False,False\r\n1,9,2,USA,False,False\r\n2,9,3,VEN,False,False\r\n3,8,1,USA,False,False\r\n"
    ),
    "civil_comments_toxic_spans/spans.csv": (
        b"annotation,type,start,end\r\n"
        b"0,Insult,7,13\r\n0,Insult,9,13\r\n1,Insult,7,13\r\n2,Insult,28,33\r\n3,Insult,11,16\r\n"
    ),
    "covid_vaccine_conspiracy_comments/finaldataset_y.csv": (
        b"comments,label,conspiracy_found\n"
        b"The vaccine is a plot,1,Yes\n"
        b"The vaccine is a plot,1,Yes\n"
        b"Great news for na\xefve people,0,No\n"
        b"They didn\xef\xbf\xbdt tell us,1,Yes\n"
    ),
    "toxigen_demonstrations/toxigen_demonstrations.csv": (
        b"text,label,target_groups\n"
        b"People from that country should all be sent back,hate,immigrant\n"
        b"My neighbours who moved here from abroad are lovely,neutral,immigrant\n"
        b"Women are too emotional to lead anything,hate,women\n"
        b"Women founded half of the companies in our town,neutral,women\n"
    ),
    "davidson_hate_offensive/labeled_data.csv": (
        b",count,hate_speech,offensive_language,neither,class,tweet\r\n"
        b"0,3,0,3,0,1,shut up b*tch\r\n"
        b"1,3,0,0,3,2,going to the game tonight\r\n"
        b"2,3,0,3,0,1,you &amp; your hoes &#128514;\r\n"
    ),
    "mediaeval2020_fakenews_5g_conspiracy_tweets/mediaeval2020_fakenews_dev_rehydrated.csv": (
        b"ID,Text,Label\r\n1,5G towers spread the virus,1\r\n2,5G rollout delayed in my city,3\r\n"
    ),
    "olid_offenseval2019/olid-training-v1.0.tsv": (
        b"id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\n"
        b"1\t@USER you are trash\tOFF\tTIN\tIND\n"
        b"2\t@USER lovely day\tNOT\tNULL\tNULL\n"
        b"3\tcaf\xe9 is closed\tNOT\tNULL\tNULL\n"
        b"4\tWe don\xe2\tNOT\tNULL\tNULL\n"
    ),
    "pan2024_oppositional_en_train/dataset_en_train_text_labels.jsonl": (
        b'{"id": "1", "text": "The elites planned the pandemic", "category": "CONSPIRACY", "conspiracy": 1}\n'
        b'{"id": "2", "text": "I criticise the mandate policy", "category": "CRITICAL", "conspiracy": 0}\n'
    ),
    "pan2024_oppositional_en_train/dataset_es_train_machine_translated_to_en.jsonl": (
        b'{"row": 1, "text": "They hide the cure", "conspiracy": 1}\n'
    ),
    "psycomark_reddit_conspiracy/train_rehydrated.jsonl": (
        b'{"_id": "p1", "text": "They are hiding the truth about the moon landing.", "conspiracy": "Yes", '
        b'"markers": [{"startIndex": 0, "endIndex": 4, "type": "Actor", "text": "They"}]}\n'
        b'{"_id": "p1", "text": "They are hiding the truth about the moon landing.", "conspiracy": "Yes", '
        b'"markers": [{"startIndex": 9, "endIndex": 25, "type": "Action", "text": "hiding the truth"}]}\n'
        b'{"_id": "p2", "text": "Interesting documentary about history.", "conspiracy": "No", '
        b'"markers": [{"startIndex": 0, "endIndex": 11, "type": "Evidence", "text": "Interesting"}]}\n'
        b'{"_id": "p3", "text": "Not sure what to think of this.", "conspiracy": "Can\'t tell"}\n'
        b"{not json\n"
    ),
    "qanon_q_drops/posts.url-normalized.line-json.jsonl": (
        b'{"post_metadata": {"id": 1}, "text": ">>123\\nThe storm is coming and the plan is in motion, '
        b'trust the plan patriots."}\n'
        b'{"post_metadata": {"id": 2}, "text": "Q"}\n'
    ),
    "semeval2015_cqa_qatarliving/cqa_ql_dev_test_en.csv": (
        b"split,qid,qcategory,qtype,qsubject,qbody,cid,cuserid,quserid,csubject,cbody,cgold\r\n"
        b"dev,Q1,Life,GENERAL,Visa,How long does a visa take?,Q1_C1,u1,u2,Re,About two weeks.,Good\r\n"
        b'dev,Q1,Life,GENERAL,Visa,How long does a visa take?,Q1_C2,u3,u2,Re,"<p>Nice car, <b>bro</b></p>",Bad\r\n'
        b"dev,Q1,Life,GENERAL,Visa,How long does a visa take?,Q1_C3,u2,u2,Re,thanks all,Dialogue\r\n"
    ),
    "socc_constructiveness_toxicity/SFU_constructiveness_toxicity.csv": (
        b"_unit_id,comment,title,globe_url,is_toxic_popular_answer_1\r\n"
        b'1,"Shut up, you moron.",Carbon tax debate,http://g/1,4\r\n'
        b"2,The tax will raise prices a little.,Carbon tax debate,http://g/1,1\r\n"
        b"3,Kind of rude but whatever.,Carbon tax debate,http://g/1,2\r\n"
    ),
    "ucc_unhealthy_comments/test.csv": (
        b"_unit_id,_trusted_judgments,comment,antagonize,antagonize:confidence,healthy,healthy:confidence,hostile,hostile:confidence\r\n"
        b"4,3,shared text with UCC,0,1.0,1,1.0,0,1.0\r\n"
        b'5,3,"Maybe hostile, annotators unsure.",0,1.0,0,1.0,1,0.5\r\n'
    ),
    "ucc_unhealthy_comments/val.csv": (
        b"_unit_id,_trusted_judgments,comment,antagonize,antagonize:confidence,healthy,healthy:confidence,hostile,hostile:confidence\r\n"
        b'1,3,"Get lost, you disgusting troll.",1,1.0,0,1.0,1,0.9\r\n'
        b"2,3,Nice point about transit funding.,0,1.0,1,1.0,0,1.0\r\n"
        b'3,3,"Well, that is a provocative take.",1,0.7,0,0.6,0,0.8\r\n'
    ),
    # two contrast pairs: d1 (dev) <-> d2 (dev), and d3 (dev) <-> t1 (test), which must go to test with it
    "dynahate_adversarial_hate/db_dev.csv": (
        b"Unnamed: 0,acl.id,X1,text,label,type,target,level,split,round.base,annotator,round,acl.id.matched,text_len\n"
        b"1,d1,1,People of that faith are a plague on this country,hate,dehumanization,mus,original,dev,2,a,2a,,10\n"
        b"2,d2,2,People of that faith are a blessing to this country,nothate,none,none,perturbation,dev,2,a,2b,d1,10\n"
        b"3,d3,3,Immigrants should be thrown out,hate,derogation,immig,original,dev,2,b,2a,,5\n"
    ),
    "dynahate_adversarial_hate/db_test.csv": (
        b"Unnamed: 0,acl.id,X1,text,label,type,target,level,split,round.base,annotator,round,acl.id.matched,text_len\n"
        b"4,t1,4,Immigrants should be welcomed,nothate,none,none,perturbation,test,2,b,2b,d3,4\n"
    ),
    "hatexplain/092-HateXplain.csv": (
        b",text,label,category,id\n"
        b"h1_twitter,those people are animals and should go back,1,1,0\n"
        b"h2_gab,i had a lovely lunch with my muslim friends,0,0,1\n"
        b"h3_twitter,no majority here,0,3,2\n"
        b"h4_twitter,shut up b tch,0,2,3\n"
    ),
    "hatexplain/post_id_divisions.json": (
        b'{"train": ["h1_twitter", "h4_twitter"], "val": ["h2_gab"], "test": ["h3_twitter"]}'
    ),
    "toxigen_annotated/toxigen.csv": (
        b"text,target_group,toxicity_human,label\n"
        b"b'women are too emotional to lead anything',women,4.666666666666667,hate\n"
        b"\"b'the caf\\xc3\\xa9 down the road is run by two mexican brothers'\",mexican,1.0,neutral\n"
        b"b'asian people are good at maths',asian,3.0,hate\n"
        b"b'Women are too emotional to lead anything',women,5.0,hate\n"
    ),
    "youtube_spam_collection/Youtube01-Psy.csv": (
        b"COMMENT_ID,AUTHOR,DATE,CONTENT,label\r\na,x,d,Check out my channel!!,1\r\nb,y,d,Great song,0\r\n"
        b'e,w,d,"Love it<br />so much\xef\xbb\xbf",0\r\n'
    ),
    "youtube_spam_collection/Youtube05-Shakira.csv": (
        b"COMMENT_ID,AUTHOR,DATE,CONTENT,label\r\nc,z,d,subscribe to me,1\r\n"
    ),
}


def write_synthetic_corpora(root: Path) -> Path:
    """Write every file under ``root`` (one folder per corpus, as in the shared datasets folder)."""
    for name, content in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root
