from tests.campaigns.test_reach import *  # noqa

def test_dump(editor_client, events, dog):
    html = editor_client.get(INDEX, {**PERIOD, "service": dog.pk, "unvisited": "1"}).content.decode()
    start = html.index('<form class="reach-filter"')
    print(html[start:html.index('</form>', start)][:200])
    i = html.index('name="unvisited"')
    print(html[i-1500:i+600])
    i = html.index('data-reach-chosen-service')
    print(html[i-100:i+500])
    i = html.index('reach-row--chosen')
    print(html[i-100:i+900])
    i = html.index('data-reach-min-searches')
    print(html[i-50:i+300])
